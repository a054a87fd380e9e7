package merchants

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"

	"github.com/chainpay-go/wechatpay/notify"
)

// ErrOtherMerchant means a verified, decrypted notification names another
// merchant (mchid or sp_mchid) than the one it was routed to.
var ErrOtherMerchant = errors.New("merchants: notification names another merchant")

// NotifyHandler returns one http.Handler for the notifications of every
// registered merchant. The merchant is the path value "mchid" (mount it as
// mux.Handle("POST /notify/{mchid}", h)), or else the last path segment.
//
//   - An unknown merchant: 404 {"code":"FAIL",…}; the body is not read,
//     and the warning logged names the id only.
//   - A known merchant: the request is parsed by a notify.Parser made from
//     that merchant's current client (its platform keys, its APIv3 key),
//     with notify's status mapping (401/400/413/500) and opts. A
//     notification signed for another merchant fails verification or
//     decryption there; one that still decrypts but names another merchant
//     in its mchid or sp_mchid field is refused with 400 (ErrOtherMerchant,
//     fn not called).
//   - fn gets the merchant id and the notification; its error is answered
//     as notify.Parser.Handler answers it.
//
// An unknown Wechatpay-Serial starts a refresh of the merchant's platform
// certificates.
func (r *Registry) NotifyHandler(fn func(ctx context.Context, mchid string, n *notify.Notification) error, opts ...notify.Option) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mchid := req.PathValue("mchid")
		if mchid == "" {
			mchid = path.Base(req.URL.Path)
		}
		c, err := r.Client(req.Context(), mchid)
		if errors.Is(err, ErrUnknownMerchant) {
			r.cfg.Logger.Warn("merchants: notification for an unknown merchant refused", "mchid", clip(mchid), "remote", req.RemoteAddr)
			failJSON(w, http.StatusNotFound, "unknown merchant")
			return
		}
		if err != nil {
			r.cfg.Logger.Warn("merchants: notification refused: the merchant's platform certificates are not loaded", "mchid", mchid, "err", err)
			failJSON(w, http.StatusInternalServerError, "platform certificates unavailable")
			return
		}
		all := append([]notify.Option{
			notify.WithUnknownSerial(func(string) { r.trigger(mchid) }),
			notify.WithErrorLog(func(_ context.Context, err error) {
				r.cfg.Logger.Warn("merchants: notification refused", "mchid", mchid, "err", err)
			}),
		}, opts...)
		p, err := notify.NewParserFromClient(c, all...)
		if err != nil {
			r.cfg.Logger.Warn("merchants: notification refused: no parser for the merchant", "mchid", mchid, "err", err)
			failJSON(w, http.StatusInternalServerError, "notification not processed")
			return
		}
		p.Handler(func(ctx context.Context, n *notify.Notification) error {
			if err := sameMerchant(mchid, n); err != nil {
				return notify.Fail(http.StatusBadRequest, "notification for another merchant", err)
			}
			if fn == nil {
				return nil
			}
			return fn(ctx, mchid, n)
		}).ServeHTTP(w, req)
	})
}

// sameMerchant checks the merchant fields of a decrypted resource: the
// service provider's sp_mchid, or else a direct merchant's mchid, when
// present, must be the routed merchant.
func sameMerchant(mchid string, n *notify.Notification) error {
	for _, field := range []string{"sp_mchid", "mchid"} {
		if v := n.Get(field); v.Exists() {
			if v.String() != mchid {
				return fmt.Errorf("%w: routed to %s, %s is %q", ErrOtherMerchant, mchid, field, clip(v.String()))
			}
			return nil
		}
	}
	return nil
}

func failJSON(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"code": "FAIL", "message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
