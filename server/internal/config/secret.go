package config

import (
	"fmt"
	"log/slog"
)

// Secret holds a credential. Every way of printing it (fmt verbs, JSON, slog)
// shows a placeholder, so a secret cannot reach a log line or an error by accident.
type Secret struct{ value string }

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the credential itself; call it only where the value is sent to its owner.
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether a value is configured.
func (s Secret) IsSet() bool { return s.value != "" }

const redacted = "[redacted]"

func (s Secret) String() string               { return redacted }
func (s Secret) GoString() string             { return redacted }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q) print the placeholder.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }
