package zohotest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

type tokenSuccess struct {
	AccessToken string `json:"access_token"`
	APIDomain   string `json:"api_domain"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

type tokenError struct {
	Error string `json:"error"`
}

type tokenDenied struct {
	ErrorDescription string `json:"error_description"`
	Error            string `json:"error"`
	Status           string `json:"status"`
}

// AccessDeniedBody is the body of the HTTP 400 answer to too many token requests (docs/zoho.md#token-endpoint-errors).
const AccessDeniedBody = `{"error_description":"You have made too many requests continuously. Please try again after some time.","error":"Access Denied","status":"failure"}`

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.TokenRequests++
	s.stats.ByPath[r.Method+" /oauth/v2/token"]++
	f := s.pickFaultLocked(r.URL.Path, false, false)
	s.mu.Unlock()
	s.runWithFault(w, r, f, func(w http.ResponseWriter, extra time.Duration) {
		s.sleep(r.Context(), extra)
		s.serveTokenNormal(w, r)
	})
}

func (s *Server) serveTokenNormal(w http.ResponseWriter, r *http.Request) {
	status, body := s.tokenAnswer(r)
	writeJSON(w, status, body)
}

func (s *Server) tokenAnswer(r *http.Request) (int, any) {
	fail := func(status int, body any) (int, any) {
		s.mu.Lock()
		s.stats.TokenErrors++
		s.mu.Unlock()
		return status, body
	}
	if r.Method != http.MethodPost {
		return fail(http.StatusMethodNotAllowed, tokenError{"invalid_request"})
	}
	if err := r.ParseForm(); err != nil {
		return fail(http.StatusOK, tokenError{"invalid_request"})
	}
	f := r.Form
	switch f.Get("grant_type") {
	case "refresh_token":
	case "authorization_code":
		return fail(http.StatusOK, tokenError{"invalid_code"})
	default:
		return fail(http.StatusOK, tokenError{"unsupported_grant_type"})
	}
	if f.Get("client_id") != s.opts.ClientID {
		return fail(http.StatusOK, tokenError{"invalid_client"})
	}
	if f.Get("client_secret") != s.opts.ClientSecret {
		return fail(http.StatusOK, tokenError{"invalid_client_secret"})
	}
	s.mu.Lock()
	revoked := s.refreshRevoked
	s.mu.Unlock()
	if revoked || f.Get("refresh_token") != s.opts.RefreshToken {
		return fail(http.StatusOK, tokenError{"invalid_code"})
	}

	s.mu.Lock()
	now := s.now()
	if s.mintWindowStart.IsZero() || now.Sub(s.mintWindowStart) >= TokenMintWindow {
		s.mintWindowStart, s.mintCount = now, 0
	}
	if s.opts.TokenMintLimit >= 0 && s.mintCount >= s.opts.TokenMintLimit {
		s.stats.TokenErrors++
		s.mu.Unlock()
		return http.StatusBadRequest, tokenDenied{
			ErrorDescription: "You have made too many requests continuously. Please try again after some time.",
			Error:            "Access Denied",
			Status:           "failure",
		}
	}
	s.mintCount++
	s.stats.TokensMinted++
	tok := s.mintLocked(now)
	s.mu.Unlock()
	return http.StatusOK, tokenSuccess{
		AccessToken: tok,
		APIDomain:   s.URL,
		TokenType:   "Bearer",
		ExpiresIn:   int(s.opts.TokenTTL / time.Second),
	}
}

func (s *Server) mintLocked(now time.Time) string {
	tok := "1000." + randHex(16) + "." + randHex(16)
	s.tokens[tok] = now.Add(s.opts.TokenTTL)
	s.tokenOrder = append(s.tokenOrder, tok)
	// Forget expired tokens, then enforce the active-token ceiling.
	live := s.tokenOrder[:0]
	for _, t := range s.tokenOrder {
		if exp, ok := s.tokens[t]; ok && now.Before(exp) {
			live = append(live, t)
		} else {
			delete(s.tokens, t)
		}
	}
	s.tokenOrder = live
	if limit := s.opts.MaxActiveTokens; limit >= 0 {
		for len(s.tokenOrder) > limit {
			delete(s.tokens, s.tokenOrder[0])
			s.tokenOrder = s.tokenOrder[1:]
		}
	}
	return tok
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// IssueToken returns a valid access token without going through the token
// endpoint (no stats, no throttle), for tests that call the API directly.
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mintLocked(s.now())
}

// ExpireTokens invalidates every access token issued so far (→ 401 code 57 on use).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	s.tokens = map[string]time.Time{}
	s.tokenOrder = nil
	s.mu.Unlock()
}

// RevokeRefreshToken makes the token endpoint answer HTTP 200
// {"error":"invalid_code"} for the configured refresh token. Access tokens
// already issued stay valid until they expire.
func (s *Server) RevokeRefreshToken() {
	s.mu.Lock()
	s.refreshRevoked = true
	s.mu.Unlock()
}

// RestoreRefreshToken undoes RevokeRefreshToken.
func (s *Server) RestoreRefreshToken() {
	s.mu.Lock()
	s.refreshRevoked = false
	s.mu.Unlock()
}
