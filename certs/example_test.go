package certs_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func ExampleUpdate() {
	srv := wechatpaytest.NewServer(wechatpaytest.WithCertificateMode())
	defer srv.Close()

	cfg := srv.Config()
	cfg.PlatformKeys = nil // first start: no platform certificate yet, only the APIv3 key
	client, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}
	// The list is signed by a certificate it carries (the bootstrap rule).
	list, err := certs.Update(context.Background(), client)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(list), list[0].Serial == srv.PlatformSerial)
	fmt.Println(client.KeyStore().Len(), "key in the client's store")
	// Output:
	// 1 true
	// 1 key in the client's store
}

func ExampleDownload_publicKeyMerchant() {
	srv := wechatpaytest.NewServer() // public-key mode (PUB_KEY_ID_…)
	defer srv.Close()
	_, err := certs.Download(context.Background(), srv.Client())
	fmt.Println(errors.Is(err, certs.ErrNoCertificates))
	// Output: true
}

func ExampleRefresher() {
	srv := wechatpaytest.NewServer(wechatpaytest.WithCertificateMode())
	defer srv.Close()
	cfg := srv.Config()
	cfg.PlatformKeys = nil
	client, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}

	// One refresher for every merchant of the process.
	r := certs.NewRefresher(certs.RefresherConfig{Interval: 12 * time.Hour})
	if err := r.Add(client); err != nil {
		panic(err)
	}
	// Load before serving, then keep fresh in the background.
	if _, err := r.Refresh(context.Background(), client.MchID()); err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)

	// Callbacks share the live store; an unknown serial triggers a refresh.
	parser, err := notify.NewParserWithStore(client.KeyStore(), cfg.APIv3Key,
		notify.WithUnknownSerial(r.OnUnknownSerial(client.MchID())))
	if err != nil {
		panic(err)
	}
	_ = parser

	st, _ := r.Status(client.MchID())
	fmt.Println(st.LastErr, len(st.Serials), st.Serials[0] == srv.PlatformSerial)
	// Output: <nil> 1 true
}
