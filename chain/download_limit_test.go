package chain_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
)

// countWriter counts what it is given and keeps nothing.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestDownloadImageSizeCap: an unsigned download (DownloadImage) stops at
// DefaultImageMaxSize, however small the compressed answer (a gzip bomb
// wrote 1 GB); WithMaxSize raises or lowers the cap (issue 16 point 6).
func TestDownloadImageSizeCap(t *testing.T) {
	t.Parallel()
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	const unpacked = chain.DefaultImageMaxSize + 4<<20
	for range unpacked >> 20 {
		zw.Write(zeros)
	}
	zw.Close()
	serve := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", fmt.Sprint(bomb.Len()))
		w.Write(bomb.Bytes())
	}
	tests := []struct {
		name    string
		opts    []chain.DownloadOption
		limit   int64 // 0: no error expected
		written int64
	}{
		{"default cap", nil, chain.DefaultImageMaxSize, 0},
		{"lowered", []chain.DownloadOption{chain.WithMaxSize(1 << 20)}, 1 << 20, 0},
		{"raised", []chain.DownloadOption{chain.WithMaxSize(unpacked)}, 0, unpacked},
		{"off", []chain.DownloadOption{chain.WithMaxSize(-1)}, 0, unpacked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, _ := rawGateway(t, serve)
			var w countWriter
			_, err := c.DownloadImage(context.Background(), "media-1", &w, tt.opts...)
			if tt.limit == 0 {
				if err != nil || w.n != tt.written {
					t.Fatalf("wrote %d, err %v; want %d bytes and no error", w.n, err, tt.written)
				}
				return
			}
			if !errors.Is(err, chain.ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if w.n > tt.limit {
				t.Errorf("wrote %d bytes, over the cap %d", w.n, tt.limit)
			}
		})
	}
}
