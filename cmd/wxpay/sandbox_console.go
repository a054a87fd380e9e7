package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

// consoleAddr is where the sandbox serves its browser console: loopback
// only, on a free port (the admin API's token is not there yet to guard
// another address).
const consoleAddr = "127.0.0.1:0"

// startConsole serves the console over src on loopback and returns its URL
// and a function that stops it.
func startConsole(src console.Source) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", consoleAddr)
	if err != nil {
		return "", nil, fmt.Errorf("sandbox: console: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", console.Handler(src, "/console/"))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln) // ErrServerClosed once stopped
	}()
	return "http://" + ln.Addr().String() + "/console/", func() { hs.Close(); <-done }, nil
}
