package chain

import (
	"errors"
	"fmt"
	"io"
)

// DefaultImageMaxSize caps what DownloadImage writes unless WithMaxSize
// says otherwise: the images the API serves are a few MB at most, and an
// unsigned answer (a gzip bomb, say) must not fill the disk.
const DefaultImageMaxSize = 16 << 20

// ErrTooLarge: the download's content went over its size limit
// (WithMaxSize, or DefaultImageMaxSize for DownloadImage). What was written
// must be discarded.
var ErrTooLarge = errors.New("chain: download larger than its size limit")

// WithMaxSize fails the download with ErrTooLarge once more than n bytes of
// content (decompressed, as written to the io.Writer) would be written;
// at most n are written. n < 0 removes the limit. Downloads have no limit by
// default, except DownloadImage (DefaultImageMaxSize).
func WithMaxSize(n int64) DownloadOption {
	return func(c *downloadConfig) {
		c.maxSize = n
		if n == 0 {
			c.maxSize = -1
		}
	}
}

// cappedWriter writes at most limit bytes to w, then refuses.
type cappedWriter struct {
	w     io.Writer
	n     int64
	limit int64
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if room := c.limit - c.n; int64(len(p)) > room {
		n, err := c.w.Write(p[:room])
		c.n += int64(n)
		if err != nil {
			return n, err
		}
		return n, fmt.Errorf("%w (%d bytes)", ErrTooLarge, c.limit)
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
