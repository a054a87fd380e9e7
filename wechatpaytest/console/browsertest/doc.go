// Package browsertest drives the wechatpaytest console in headless
// Chromium (chromedp). It is a module of its own so that chromedp stays out
// of the library's go.mod; its tests skip when no Chromium is installed.
package browsertest
