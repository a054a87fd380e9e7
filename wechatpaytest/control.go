package wechatpaytest

import (
	"io"
	"net/http"
)

// ControlPrefix starts the paths of the control routes WithControlRoutes
// adds: what a user does in WeChat, and notifications, for a simulator in
// another process (wxpay sandbox). They are not WeChat Pay's.
const ControlPrefix = "/sandbox/"

// WithControlRoutes adds authenticated, signed routes under ControlPrefix
// that do what the Go API does, for clients in another process:
//
//	POST /sandbox/transactions/{out_trade_no}/pay                       PayTransaction
//	POST /sandbox/partner/transactions/{sub_mchid}/{out_trade_no}/pay   PayPartnerTransaction
//	POST /sandbox/combine-transactions/{combine_out_trade_no}/pay       PayCombineOrder
//	POST /sandbox/payscore/serviceorder/{out_order_no}/confirm          ConfirmServiceOrder
//	POST /sandbox/transfer-bills/{out_bill_no}/confirm                  ConfirmTransferBill
//	POST /sandbox/notifications  {"event_type", "id", "url"}            SendEvent
//
// The first two answer {"transaction_id"}, the others 204, and the
// notification the status and body the webhook answered. A move the state
// machine refuses answers 400 INVALID_REQUEST saying why. The catalogue
// does not know these paths: a Strict client (Client's) calls them with
// chain.O{"validation": catalog.Off}.
func WithControlRoutes() Option { return func(o *options) { o.control = true } }

// registerControl adds the control routes with Handle, through the
// exported API only.
func (s *Server) registerControl() {
	refused := func(err error) (int, any) { return http.StatusBadRequest, Error("INVALID_REQUEST", err.Error()) }
	s.Handle("POST", ControlPrefix+"transactions/{out_trade_no}/pay", func(r *Request) (int, any) {
		id, err := s.PayTransaction(r.Param("out_trade_no"))
		if err != nil {
			return refused(err)
		}
		return http.StatusOK, map[string]string{"transaction_id": id}
	})
	s.Handle("POST", ControlPrefix+"partner/transactions/{sub_mchid}/{out_trade_no}/pay", func(r *Request) (int, any) {
		id, err := s.PayPartnerTransaction(r.Param("sub_mchid"), r.Param("out_trade_no"))
		if err != nil {
			return refused(err)
		}
		return http.StatusOK, map[string]string{"transaction_id": id}
	})
	done := func(err error) (int, any) {
		if err != nil {
			return refused(err)
		}
		return http.StatusNoContent, nil
	}
	s.Handle("POST", ControlPrefix+"combine-transactions/{combine_out_trade_no}/pay", func(r *Request) (int, any) {
		return done(s.PayCombineOrder(r.Param("combine_out_trade_no")))
	})
	s.Handle("POST", ControlPrefix+"payscore/serviceorder/{out_order_no}/confirm", func(r *Request) (int, any) {
		return done(s.ConfirmServiceOrder(r.Param("out_order_no")))
	})
	s.Handle("POST", ControlPrefix+"transfer-bills/{out_bill_no}/confirm", func(r *Request) (int, any) {
		return done(s.ConfirmTransferBill(r.Param("out_bill_no")))
	})
	s.Handle("POST", ControlPrefix+"notifications", func(r *Request) (int, any) {
		f := newFields(r.Body)
		event := f.str("event_type")
		id := f.optStr("id")
		url := f.optStr("url")
		if f.err != nil {
			return http.StatusBadRequest, f.err
		}
		resp, err := s.SendEvent(r.Context(), url, event, id)
		if err != nil {
			return refused(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return http.StatusOK, map[string]any{"status": resp.StatusCode, "body": string(b)}
	})
}
