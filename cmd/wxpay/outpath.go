package main

import (
	"errors"
	"io/fs"
	"os"
)

// checkOutPath refuses an -o that is not standard output, a new file or a
// regular one, before anything is sent: the bill is renamed into place at
// the end, which would replace a FIFO, a device or a symlink.
func checkOutPath(out string) error {
	if isStdout(out) {
		return nil
	}
	fi, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode().IsRegular() {
		return nil
	}
	if err != nil {
		return usageErrorf("-o %s: %v", out, err)
	}
	kind := "not a regular file"
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		kind = "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	case m.IsDir():
		kind = "a directory"
	}
	return usageErrorf("-o %s is %s: wxpay writes only a new file or over a regular one (-o - for standard output)", out, kind)
}
