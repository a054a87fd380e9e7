package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/merchants"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// redisServer is a real redis-server on a loopback port, for one test.
type redisServer struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedis starts redis-server on a free 127.0.0.1 port, or skips the
// test when the program is not on PATH.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not found on PATH: install Debian's redis-server package to run the Redis tests")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	rs := &redisServer{addr: fmt.Sprintf("127.0.0.1:%d", port), done: make(chan struct{})}
	rs.cmd = exec.Command(path, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	var out bytes.Buffer
	rs.cmd.Stdout, rs.cmd.Stderr = &out, &out
	if err := rs.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = rs.cmd.Wait(); close(rs.done) }()
	t.Cleanup(rs.kill)
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if rdb.Ping(context.Background()).Err() == nil {
			return rs
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not answer on %s:\n%s", rs.addr, out.String())
		}
	}
}

// kill stops the server (idempotent) and waits for it to exit.
func (rs *redisServer) kill() {
	if rs.cmd.Process != nil {
		_ = rs.cmd.Process.Kill()
	}
	<-rs.done
}

// client returns a go-redis client for the server, closed with the test.
func (rs *redisServer) client(t testing.TB) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

const apiv3Key = "apiv3-key-of-the-redis-tests-012"

// newSimulator starts a certificate-mode simulator with its own platform key.
func newSimulator(t testing.TB) *wechatpaytest.Server {
	srv := wechatpaytest.NewServer(wechatpaytest.WithMchID("1900000777"), wechatpaytest.WithCertificateMode(),
		wechatpaytest.WithPlatformKey(testkeys.RSA(77), ""), wechatpaytest.WithAPIv3Key(apiv3Key))
	t.Cleanup(srv.Close)
	return srv
}

// configOf is srv's config with no platform keys: they are downloaded.
func configOf(srv *wechatpaytest.Server) chain.Config {
	cfg := srv.Config()
	cfg.PlatformKeys = nil
	return cfg
}

func query(ctx context.Context, reg *merchants.Registry, mchid string) (*chain.Response, error) {
	c, err := reg.Client(ctx, mchid)
	if err != nil {
		return nil, err
	}
	return c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, chain.O{
		"out_trade_no": wechatpaytest.DemoOutTradeNo,
		"query":        map[string]string{"mchid": mchid},
	})
}

// countCertificates counts the platform certificate downloads srv saw.
func countCertificates(srv *wechatpaytest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URI, "/v3/certificates") {
			n++
		}
	}
	return n
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
