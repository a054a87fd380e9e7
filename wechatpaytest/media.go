package wechatpaytest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
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

// mediaScenario keeps uploads (the last maxMedia) for the image download.
type mediaScenario struct {
	mu    sync.Mutex
	media map[string]mediaItem
	order []string // oldest first
}

func newMediaScenario(*Server) *mediaScenario {
	m := &mediaScenario{}
	m.reset()
	return m
}

func (m *mediaScenario) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.media, m.order = map[string]mediaItem{}, nil
}

func (m *mediaScenario) event(string, string) (any, string, error) { return nil, "", errNoEvent }

func (m *mediaScenario) register(s *Server) {
	s.Handle("POST", "/v3/merchant/media/upload", func(r *Request) (int, any) { return m.upload(r, imageExts, 2<<20, false) })
	s.Handle("POST", "/v3/merchant/media/video_upload", func(r *Request) (int, any) { return m.upload(r, videoExts, 5<<20, false) })
	s.Handle("POST", "/v3/marketing/favor/media/image-upload", func(r *Request) (int, any) { return m.upload(r, imageExts, 2<<20, true) })
	s.Handle("GET", "/v3/merchant-service/images/{media_id}", m.imageDownload)
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

func (m *mediaScenario) upload(r *Request, exts []string, limit int, marketing bool) (int, any) {
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
	m.mu.Lock()
	m.media[id] = mediaItem{data: r.Upload.File, contentType: ct}
	m.order = append(m.order, id)
	if len(m.order) > maxMedia {
		delete(m.media, m.order[0])
		m.order = m.order[1:]
	}
	m.mu.Unlock()
	if marketing {
		return http.StatusOK, map[string]string{"media_url": "https://wxpaylogo.qpic.cn/wxpaylogo/" + strings.NewReplacer("/", "_", "+", "-", "=", "").Replace(id) + "/0"}
	}
	return http.StatusOK, map[string]string{"media_id": id}
}

// MediaIDs returns the ids of the uploads the server keeps, oldest first.
func (s *Server) MediaIDs() []string {
	m := s.media
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.order...)
}

// imageDownload serves an uploaded image, unsigned. The media id must
// arrive as one path segment ('/' escaped as %2F); it is decoded once.
func (m *mediaScenario) imageDownload(r *Request) (int, any) {
	m.mu.Lock()
	item, ok := m.media[r.Param("media_id")]
	m.mu.Unlock()
	if !ok {
		return http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "图片不存在 (no media with this id)")
	}
	return http.StatusOK, &Download{ContentType: item.contentType, Size: int64(len(item.data)), Body: bytes.NewReader(item.data)}
}
