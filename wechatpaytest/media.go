package wechatpaytest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"path"
	"strconv"
	"strings"
)

type mediaItem struct {
	data        []byte
	contentType string
}

// maxMedia bounds how many uploads a server keeps for download.
const maxMedia = 1000

var (
	imageExts = []string{".jpg", ".jpeg", ".bmp", ".png"}
	videoExts = []string{".avi", ".wmv", ".mpeg", ".mp4", ".mov", ".mkv", ".flv", ".f4v", ".m4v", ".rmvb"}
)

func (s *Server) registerMedia() {
	s.handle("POST", "/v3/merchant/media/upload", func(r *Request) (int, any) { return s.upload(r, imageExts, 2<<20, false) })
	s.handle("POST", "/v3/merchant/media/video_upload", func(r *Request) (int, any) { return s.upload(r, videoExts, 5<<20, false) })
	s.handle("POST", "/v3/marketing/favor/media/image-upload", func(r *Request) (int, any) { return s.upload(r, imageExts, 2<<20, true) })
	s.handleRaw("GET", "/v3/merchant-service/images/{media_id}", s.imageDownload)
}

// newMediaID makes an id shaped like the gateway's base64 ids, always with
// '/', '+' and '=' in it, so that clients must escape it in a path.
func newMediaID() string {
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		panic("wechatpaytest: crypto/rand failed: " + err.Error())
	}
	id := []byte(base64.StdEncoding.EncodeToString(b)) // 88 chars ending in "=="
	id[10], id[20] = '/', '+'
	return string(id)
}

func (s *Server) upload(r *Request, exts []string, limit int, marketing bool) (int, any) {
	if r.Upload == nil {
		return http.StatusBadRequest, Error("INVALID_REQUEST", "请使用multipart/form-data上传 (use multipart/form-data with meta and file parts)")
	}
	f := newFields(r.Upload.Meta)
	name := f.str("filename")
	sum := f.str("sha256")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	ext := strings.ToLower(path.Ext(name))
	ok := false
	for _, e := range exts {
		ok = ok || e == ext
	}
	if !ok {
		return http.StatusBadRequest, ParamError("body", "/filename", "不支持的文件格式, 支持 "+strings.Join(exts, " "))
	}
	if r.Upload.File == nil {
		return http.StatusBadRequest, ParamError("body", "file", "文件缺失 (the file part is missing)")
	}
	if len(r.Upload.File) > limit {
		return http.StatusBadRequest, ParamError("body", "file", "文件大小超过 "+strconv.Itoa(limit>>20)+"MB")
	}
	got := sha256.Sum256(r.Upload.File)
	if !strings.EqualFold(sum, hex.EncodeToString(got[:])) {
		eb := ParamError("body", "/sha256", "文件摘要与meta.sha256不一致 (the file's SHA-256 differs from meta.sha256)")
		d := eb.Detail.(FieldDetail)
		d.Value = sum
		eb.Detail = d
		return http.StatusBadRequest, eb
	}
	id := newMediaID()
	ct := r.Upload.ContentType
	if ct == "" || ct == "application/octet-stream" {
		ct = http.DetectContentType(r.Upload.File)
	}
	s.mu.Lock()
	s.st.media[id] = mediaItem{data: r.Upload.File, contentType: ct}
	s.st.mediaOrder = append(s.st.mediaOrder, id)
	if len(s.st.mediaOrder) > maxMedia {
		delete(s.st.media, s.st.mediaOrder[0])
		s.st.mediaOrder = s.st.mediaOrder[1:]
	}
	s.mu.Unlock()
	if marketing {
		return http.StatusOK, map[string]string{"media_url": "https://wxpaylogo.qpic.cn/wxpaylogo/" + strings.NewReplacer("/", "_", "+", "-", "=", "").Replace(id) + "/0"}
	}
	return http.StatusOK, map[string]string{"media_id": id}
}

// MediaIDs returns the ids of the uploads the server keeps, oldest first.
func (s *Server) MediaIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.st.mediaOrder...)
}

// imageDownload serves an uploaded image, unsigned. The media id must
// arrive as one path segment ('/' escaped as %2F); it is decoded once.
func (s *Server) imageDownload(w http.ResponseWriter, r *Request) {
	s.mu.Lock()
	m, ok := s.st.media[r.Param("media_id")]
	s.mu.Unlock()
	if !ok {
		s.respond(w, r, w.Header().Get("Request-ID"), http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "图片不存在 (no media with this id)"), nil)
		return
	}
	data := m.data
	if r.fault != nil && r.fault.Tamper && len(data) > 0 {
		data = append([]byte(nil), data...)
		data[0] ^= 0x01
	}
	w.Header().Set("Content-Type", m.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
