package wechatpaytest

import (
	"encoding/pem"
	"net/http"
)

// certificateScenario serves /v3/certificates from the server's platform
// keys; it has no state of its own.
type certificateScenario struct{}

func (certificateScenario) register(s *Server) { s.Handle("GET", "/v3/certificates", s.certificates) }

func (certificateScenario) reset() {}

func (certificateScenario) event(string, string) (any, string, error) { return nil, "", errNoEvent }

// certificates serves the platform certificates encrypted with the APIv3 key
// (certificate mode), or 404 RESOURCE_NOT_EXISTS (public-key mode).
func (s *Server) certificates(r *Request) (int, any) {
	if !s.certMode {
		return http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "商户未使用平台证书 (this merchant uses a platform public key)")
	}
	s.mu.Lock()
	entries := append([]*platformEntry(nil), s.platforms...)
	s.mu.Unlock()
	data := []map[string]any{}
	for _, e := range entries {
		if e.cert == nil {
			continue
		}
		pemText := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.cert.Raw})
		nonce := randomString(12, alnum)
		ct, err := encryptAESGCM(s.APIv3Key, nonce, "certificate", pemText)
		if err != nil {
			return http.StatusInternalServerError, Error("SYSTEM_ERROR", err.Error())
		}
		data = append(data, map[string]any{
			"serial_no":      e.serial,
			"effective_time": rfc3339CN(e.cert.NotBefore),
			"expire_time":    rfc3339CN(e.cert.NotAfter),
			"encrypt_certificate": map[string]string{
				"algorithm":       "AEAD_AES_256_GCM",
				"nonce":           nonce,
				"associated_data": "certificate",
				"ciphertext":      ct,
			},
		})
	}
	return http.StatusOK, map[string]any{"data": data}
}
