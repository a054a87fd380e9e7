package chain

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Upload size limits documented by WeChat Pay.
const (
	MaxImageSize = 2 << 20 // images: 2 MB
	MaxVideoSize = 5 << 20 // videos: 5 MB
)

type mediaKind int

const (
	kindImage mediaKind = iota + 1
	kindVideo
)

type mediaType struct {
	contentType string
	kind        mediaKind
}

// mediaTypes maps the accepted extensions to their content type.
var mediaTypes = map[string]mediaType{
	"jpg":  {"image/jpeg", kindImage},
	"jpeg": {"image/jpeg", kindImage},
	"png":  {"image/png", kindImage},
	"bmp":  {"image/bmp", kindImage},
	"gif":  {"image/gif", kindImage},
	"mp4":  {"video/mp4", kindVideo},
	"avi":  {"video/x-msvideo", kindVideo},
	"wmv":  {"video/x-ms-wmv", kindVideo},
	"mpeg": {"video/mpeg", kindVideo},
	"mov":  {"video/quicktime", kindVideo},
	"mkv":  {"video/x-matroska", kindVideo},
	"flv":  {"video/x-flv", kindVideo},
	"f4v":  {"video/x-f4v", kindVideo},
	"m4v":  {"video/x-m4v", kindVideo},
	"rmvb": {"application/vnd.rn-realmedia-vbr", kindVideo},
}

// Upload is a file to send with the "media" option, to
// v3/merchant/media/upload, v3/merchant/media/video_upload,
// v3/marketing/favor/media/image-upload and similar APIs:
//
//	resp, err := c.Chain("v3/merchant/media/upload").Post(ctx, chain.O{"media": chain.File("logo.png")})
//	mediaID := resp.Get("media_id").String()
//
// The request is multipart/form-data with a "meta" part, the JSON
// {"filename":…,"sha256":…} (plus any WithMeta fields), and a "file" part
// whose content type comes from the extension. The signature covers the meta
// JSON exactly as sent. Unsupported extensions and files over MaxImageSize or
// MaxVideoSize are refused before sending.
type Upload struct {
	src  *mediaSource
	meta map[string]any
}

type mediaSource struct {
	filename string // base name sent in meta and in the file part
	path     string // File: read at each call
	r        io.Reader

	once sync.Once // Media: the reader is read once, then reused by retries and later calls
	data []byte
	err  error
}

// File uploads the file at path; it is read (and size-checked) at each call.
func File(path string) *Upload {
	return &Upload{src: &mediaSource{filename: filepath.Base(path), path: path}}
}

// Media uploads the content of r under filename (whose extension sets the
// content type). r is read once, on first use; the Upload may then be sent
// again.
func Media(filename string, r io.Reader) *Upload {
	return &Upload{src: &mediaSource{filename: filename, r: r}}
}

// WithMeta returns a copy of the upload whose meta JSON also carries fields,
// for APIs that want more than filename and sha256. Keys are sorted after
// filename and sha256; those two cannot be overridden.
func (u *Upload) WithMeta(fields map[string]any) *Upload {
	m := make(map[string]any, len(u.meta)+len(fields))
	for k, v := range u.meta {
		m[k] = v
	}
	for k, v := range fields {
		m[k] = v
	}
	return &Upload{src: u.src, meta: m}
}

// Filename is the name sent in meta ("" for an Upload not made by File or
// Media).
func (u *Upload) Filename() string {
	if u == nil || u.src == nil {
		return ""
	}
	return u.src.filename
}

type multipartBody struct {
	meta        []byte
	body        []byte
	contentType string
}

func (u *Upload) build() (*multipartBody, error) {
	name, mt, data, err := u.content()
	if err != nil {
		return nil, err
	}
	for k := range u.meta {
		if k == "filename" || k == "sha256" {
			return nil, fmt.Errorf("%q: meta field %q is computed and cannot be set", keyMedia, k)
		}
	}
	sum := sha256.Sum256(data)
	meta, err := buildMeta(name, hex.EncodeToString(sum[:]), u.meta)
	if err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	buf.Grow(len(data) + len(meta) + 512)
	mw := newMultipartWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="meta"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	pw.Write(meta)
	if err := writeFilePart(mw, "file", name, mt.contentType, data); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &multipartBody{meta: meta, body: buf.Bytes(), contentType: mw.FormDataContentType()}, nil
}

// newMultipartWriter is a multipart writer into buf with a random
// "wechatpay-…" boundary (multipart's own when the random source fails).
func newMultipartWriter(buf *bytes.Buffer) *multipart.Writer {
	mw := multipart.NewWriter(buf)
	var rb [15]byte
	if _, err := rand.Read(rb[:]); err == nil {
		_ = mw.SetBoundary("wechatpay-" + hex.EncodeToString(rb[:]))
	}
	return mw
}

// writeFilePart writes data as the form part field, a file named name of
// contentType.
func writeFilePart(mw *multipart.Writer, field, name, contentType string, data []byte) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+quoteEscaper.Replace(name)+`"`)
	h.Set("Content-Type", contentType)
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = pw.Write(data)
	return err
}

// content checks the upload's name, type and size and returns its bytes.
func (u *Upload) content() (string, mediaType, []byte, error) {
	name := u.src.filename
	if name == "" || name == "." || name == "/" {
		return "", mediaType{}, nil, fmt.Errorf("%q: empty file name", keyMedia)
	}
	if strings.ContainsAny(name, "\r\n\x00") {
		return "", mediaType{}, nil, fmt.Errorf("%q: file name contains CR, LF or NUL", keyMedia)
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))
	mt, ok := mediaTypes[ext]
	if !ok {
		exts := sortedKeys(mediaTypes)
		return "", mediaType{}, nil, fmt.Errorf("%q: unsupported file type %q of %q (supported: %s)", keyMedia, ext, name, strings.Join(exts, ", "))
	}
	limit := int64(MaxImageSize)
	what := "image"
	if mt.kind == kindVideo {
		limit, what = MaxVideoSize, "video"
	}
	data, err := u.src.load(limit)
	if err != nil {
		return "", mediaType{}, nil, err
	}
	if int64(len(data)) > limit {
		return "", mediaType{}, nil, fmt.Errorf("%q: %s %q is over the %d MB %s limit", keyMedia, what, name, limit>>20, what)
	}
	return name, mt, data, nil
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// buildMeta writes {"filename":…,"sha256":…,extra fields sorted by key}.
func buildMeta(name, sum string, extra map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	field := func(k string, v any) error {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		enc.Encode(k)
		buf.Truncate(buf.Len() - 1)
		buf.WriteByte(':')
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("%q: meta field %q: %w", keyMedia, k, err)
		}
		buf.Truncate(buf.Len() - 1)
		return nil
	}
	buf.WriteByte('{')
	field("filename", name)
	field("sha256", sum)
	keys := sortedKeys(extra)
	for _, k := range keys {
		if err := field(k, extra[k]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// load returns the file content; more than limit bytes are never read in full
// (limit+1 bytes are enough to know it is too big).
func (s *mediaSource) load(limit int64) ([]byte, error) {
	if s.path != "" {
		f, err := os.Open(s.path)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", keyMedia, err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Size() > limit {
			return nil, fmt.Errorf("%q: %q is %d bytes, over the %d MB limit", keyMedia, s.path, fi.Size(), limit>>20)
		}
		data, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err != nil {
			return nil, fmt.Errorf("%q: reading %q: %w", keyMedia, s.path, err)
		}
		return data, nil
	}
	s.once.Do(func() {
		if s.r == nil {
			s.err = fmt.Errorf("%q: nil io.Reader for %q", keyMedia, s.filename)
			return
		}
		// Read up to the larger limit once, so a later call with either
		// kind sees the same bytes.
		s.data, s.err = io.ReadAll(io.LimitReader(s.r, MaxVideoSize+1))
		if s.err != nil {
			s.err = fmt.Errorf("%q: reading %q: %w", keyMedia, s.filename, s.err)
		}
	})
	return s.data, s.err
}
