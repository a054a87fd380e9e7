package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/chain"
)

// runCall is wxpay METHOD TEMPLATE [ITEM...].
func (a *app) runCall(c *cobra.Command, args []string) error {
	p, err := a.prepareCall(c, args)
	if err != nil {
		return err
	}
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return err
	}
	client, err := a.newClient(s, needVerifyKeys)
	if err != nil {
		return err
	}
	if err := a.checkCatalogue(p); err != nil {
		return err
	}
	opts := chain.O{}
	for k, v := range p.Req.PathVars {
		opts[k] = v
	}
	if len(p.Req.Query) > 0 {
		opts["query"] = p.Req.Query
	}
	if len(p.Req.Header) > 0 {
		opts["headers"] = p.Req.Header
	}
	if p.Req.Body != nil {
		opts["json"] = p.Req.Body
	}
	resp, err := client.Chain(p.Template).Do(c.Context(), p.Method, opts)
	return a.answer(resp, err, p.Pretty)
}

// answer prints a call's outcome and gives its exit status: the verified body
// on stdout, the status line on stderr.
func (a *app) answer(resp *chain.Response, err error, mode prettyMode) error {
	var (
		apiErr *chain.APIError
		verErr *chain.VerifyError
	)
	switch {
	case err == nil:
		fmt.Fprintln(a.stderr, statusLine(resp.StatusCode, resp.RequestID))
		return writeBody(a.stdout, resp.Body, mode)
	case errors.As(err, &verErr):
		// Never print an answer that failed verification as if it were true.
		if r := verErr.Response; r != nil {
			fmt.Fprintln(a.stderr, statusLine(r.StatusCode, r.RequestID))
		}
		return &exitErr{Code: exitVerify, Err: err}
	case errors.As(err, &apiErr):
		fmt.Fprintln(a.stderr, statusLine(apiErr.StatusCode, apiErr.RequestID))
		if apiErr.VerifyErr != nil {
			// A signed error answer whose signature fails is as untrustworthy
			// as a failed 2xx: nothing goes to stdout.
			return &exitErr{Code: exitVerify, Err: fmt.Errorf("%v: %w", err, apiErr.VerifyErr)}
		}
		// Verified, or carrying no signature at all (a proxy's 502): the
		// status decides, and the error message says [unverified].
		if werr := writeBody(a.stdout, apiErr.Body, mode); werr != nil {
			return werr
		}
		code := exitError
		switch {
		case apiErr.StatusCode >= 400 && apiErr.StatusCode < 500:
			code = exitClientError
		case apiErr.StatusCode >= 500 && apiErr.StatusCode < 600:
			code = exitServerError
		}
		return &exitErr{Code: code, Err: err}
	case errors.Is(err, chain.ErrInvalidOptions):
		return &usageError{msg: err.Error(), err: err}
	}
	return err
}
