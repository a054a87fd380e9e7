package catalog

// Operation is one method on one path of the WeChat Pay API, as the
// catalogue describes it. The values returned by All, Lookup, Match and
// Search share their slices and trees with the loaded catalogue: read them,
// never modify them.
type Operation struct {
	Method   string   // "POST"
	Template string   // "v3/payscore/payafter-orders/{out_order_no}/sync", no leading slash
	Title    string   // the official name (the source's summary), e.g. 支付分订单同步
	PathVars []string // in order of appearance

	// WirePath is the path sent on the wire, without a leading slash, when
	// it is not Template itself: APIv2 operations are catalogued as
	// "v2/pay/closeorder" but sent as "pay/closeorder". Use Wire to read it.
	WirePath string
	// Host is the base URI of an operation served by another host
	// (x-base-uri, e.g. "https://fraud.mch.weixin.qq.com/"); "" means the
	// client's base URL.
	Host string

	Tags  []string // the product family, e.g. 基础支付∙退款
	Roles []string // x-role: 直连模式, 服务商模式, …

	// Params are the path, query and header parameters, in the source's order.
	Params []Param
	// Body is the request body (nil when the operation takes none). For a
	// multipart upload it holds the form parts; for APIv2 the XML fields.
	Body *Field
	// Response is the body of the success answer (nil when none is described).
	Response *Field

	// Encoding is how the body travels: "" for JSON, EncodingXML for APIv2,
	// EncodingMultipart for uploads (form data).
	Encoding string
	// NeedsSerial is set when the operation sends encrypted fields and so
	// carries the Wechatpay-Serial header naming the platform key used.
	NeedsSerial bool
	// CertRequired is x-api-cert-required: APIv2 mutual TLS with the
	// merchant API certificate.
	CertRequired bool
	// Deprecated marks an operation the source lists as deprecated.
	Deprecated bool
}

// Body encodings (Operation.Encoding).
const (
	EncodingXML       = "xml"       // APIv2: an XML document of fields
	EncodingMultipart = "multipart" // an upload: multipart/form-data parts
)

// Wire returns the path sent on the wire, without a leading slash:
// WirePath when set, otherwise Template.
func (op *Operation) Wire() string {
	if op.WirePath != "" {
		return op.WirePath
	}
	return op.Template
}

// Param is a path, query or header parameter: its In location and the
// Field facts of its value (Field.Name is the parameter's name).
type Param struct {
	In Location
	Field
}

// Field is one node of a request or response field tree.
type Field struct {
	Name string // member name; "" for the root and for array items
	// Type is the schema type: "string", "integer", "number", "boolean",
	// "object", "array" (and "file" for an upload part); "" when the source
	// gives none. Other values are the source's own and are not checked.
	Type      string
	Format    string // e.g. rfc3339, int64, base64
	Required  bool
	Enum      []string // allowed values as text (strings unquoted)
	MaxLength int      // in characters; 0 when unbounded
	// Sensitive is x-is-sensitive: the names of members sent encrypted, or
	// "ciphertext" for an encrypted resource.
	Sensitive []string
	// Example is the source's example value as JSON text ("" when none),
	// typed like the field: a string field's example is a JSON string.
	Example string

	Fields []Field // members of an object, in the source's order
	Items  *Field  // element of an array

	// APIv2 XML facts.
	CDATA bool   // x-cdata: the value is sent in a CDATA section
	JSON  *Field // x-json: the string holds JSON of this shape
	Key   string // x-key: the member name of an x-json array's elements
}

// Member returns the member of an object field by name.
func (f *Field) Member(name string) (*Field, bool) {
	for i := range f.Fields {
		if f.Fields[i].Name == name {
			return &f.Fields[i], true
		}
	}
	return nil, false
}

// Location says where a parameter or a finding is: in the path, the query,
// a header or the body.
type Location string

// Locations, spelled as the gateway spells detail.location.
const (
	LocationPath   Location = "path"
	LocationQuery  Location = "query"
	LocationHeader Location = "header"
	LocationBody   Location = "body"
)
