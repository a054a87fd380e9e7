package chain

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// checkFileTarget is checkTarget for the download req: a refusal is an
// *OptionsError naming the call (nothing is sent).
func checkFileTarget(req *request, path string) error {
	if err := checkTarget(path); err != nil {
		return &OptionsError{Method: req.method, BaseURL: req.baseURL, Template: req.template, Problems: []error{err}}
	}
	return nil
}

// checkTarget tells whether DownloadBillToFile may put a file at path: only
// where nothing exists or over a regular file. A FIFO, a device, a socket, a
// directory or a symbolic link (even one to a regular file) is refused, so
// that renaming the finished bill into place never replaces one; so is an
// empty path.
func checkTarget(path string) error {
	if path == "" {
		return errors.New("the file path is empty")
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var kind string
	switch m := fi.Mode(); {
	case m.IsRegular():
		return nil
	case m&fs.ModeSymlink != 0:
		kind = "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m.IsDir():
		kind = "a directory"
	default:
		kind = "not a regular file"
	}
	return fmt.Errorf("the file path %q is %s: DownloadBillToFile writes only a new file or over a regular one (use DownloadBill with an io.Writer for anything else)", path, kind)
}
