package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Temporary: these wait for packages other engineers are writing.
var errPending = errors.New("not available yet")

func (a *app) runDownloadBill(c *cobra.Command, o *billOptions) error { return errPending }
