package chain

import (
	"fmt"
	"os"
	"path/filepath"
)

// intoFile runs write into a new temporary file beside path (mode 0600),
// syncs it and renames it to path only when write succeeded; on any error
// the temporary file is removed and path is left as it was. path was
// checked with checkTarget before; it is checked again before the rename
// (the download took a while). Errors name req's call.
func intoFile(req *request, path string, write func(f *os.File) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		return fmt.Errorf("chain: %s: %w", req.call(), err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("chain: %s: syncing %s: %w", req.call(), tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("chain: %s: closing %s: %w", req.call(), tmp, err)
	}
	if err = checkTarget(path); err != nil {
		return fmt.Errorf("chain: %s: %w", req.call(), err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("chain: %s: %w", req.call(), err)
	}
	return nil
}
