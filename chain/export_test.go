package chain

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
)

// PostMultipartForTest sends a hand-made upload through the real pipeline:
// signed over meta, with a file part the caller chooses (e.g. one that does
// not match meta's sha256). Only tests can build such a request.
func PostMultipartForTest(ctx context.Context, c *Client, template string, meta []byte, filename, contentType string, file []byte) (*Response, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="meta"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	pw.Write(meta)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", contentType)
	pw, _ = mw.CreatePart(h)
	pw.Write(file)
	mw.Close()
	req := &request{
		method:   http.MethodPost,
		template: template,
		path:     template,
		header:   http.Header{"Accept": {"application/json"}, "Content-Type": {mw.FormDataContentType()}},
		body:     buf.Bytes(),
		signBody: meta,
	}
	return c.do(ctx, req)
}
