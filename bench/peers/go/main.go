// Peer for bench/run.sh: GET /v1/properties/{id}/dossier as a plain Go net/http aggregator.
//
// Fetches land, tax and house in parallel (one goroutine each) through one shared
// http.Transport with keep-alive, decodes each body as a JSON object and merges them into
// {"property_id", "sources": {"land": {"status", "http_status", "data" | "error"}, ...}}.
// Standard library only. No authentication, masking or audit log: see bench/README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

type upstream struct {
	name string
	url  string // base URL + path prefix; the id is appended
}

type section struct {
	Status     string         `json:"status"`
	HTTPStatus int            `json:"http_status,omitempty"`
	Error      string         `json:"error,omitempty"`
	Data       map[string]any `json:"data,omitempty"`
}

type sources struct {
	Land  section `json:"land"`
	Tax   section `json:"tax"`
	House section `json:"house"`
}

type dossier struct {
	PropertyID string  `json:"property_id"`
	Sources    sources `json:"sources"`
}

const maxBody = 1 << 20

// Outcome counters per source, served on GET /_stats so bench/run.sh can explain non-2xx.
type stats struct {
	mu     sync.Mutex
	counts map[string]map[string]int
}

// logOnce logs the first occurrence of each distinct upstream error (at most 20 kinds), so the
// peer's log says why a source was unavailable without logging every request.
var (
	seenMu sync.Mutex
	seen   = map[string]bool{}
)

func logOnce(source string, err error) {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:] // drop the URL and addresses, keep the cause
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	if len(seen) >= 20 || seen[source+msg] {
		return
	}
	seen[source+msg] = true
	log.Printf("%s: %v", source, err)
}

func (s *stats) add(source, status string) {
	s.mu.Lock()
	if s.counts[source] == nil {
		s.counts[source] = map[string]int{}
	}
	s.counts[source][status]++
	s.mu.Unlock()
}

func validID(id string) bool {
	if len(id) < 1 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func fetch(ctx context.Context, client *http.Client, u upstream, id string, timeout time.Duration) section {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.url+id, nil)
	if err != nil {
		return section{Status: "unavailable", Error: "bad request"}
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			// The client went away (wrk closes its connections when a run ends).
			return section{Status: "canceled", Error: "client closed the connection"}
		}
		logOnce(u.name, err)
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return section{Status: "timeout", Error: fmt.Sprintf("no response within %d ms", timeout.Milliseconds())}
		}
		return section{Status: "unavailable", Error: "connection failed"}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return section{Status: "timeout", Error: fmt.Sprintf("no response within %d ms", timeout.Milliseconds())}
		}
		return section{Status: "unavailable", Error: "read failed"}
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return section{Status: "not_found", HTTPStatus: resp.StatusCode}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return section{Status: "upstream_error", HTTPStatus: resp.StatusCode, Error: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	case len(body) > maxBody:
		return section{Status: "invalid_response", HTTPStatus: resp.StatusCode, Error: "too large"}
	}
	var data map[string]any
	if err := json.Unmarshal(body, &data); err != nil || data == nil {
		return section{Status: "invalid_response", HTTPStatus: resp.StatusCode, Error: "not a JSON object"}
	}
	return section{Status: "ok", HTTPStatus: resp.StatusCode, Data: data}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:18582", "listen address")
	land := flag.String("land", "http://127.0.0.1:19501/land/", "land URL prefix")
	tax := flag.String("tax", "http://127.0.0.1:19502/property-tax/", "tax URL prefix")
	house := flag.String("house", "http://127.0.0.1:19503/house/", "house URL prefix")
	timeout := flag.Duration("timeout", time.Second, "per-source timeout")
	flag.Parse()

	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 300 * time.Millisecond, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0, // no global cap
		MaxIdleConnsPerHost: 16384,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: transport}
	ups := []upstream{{"land", *land}, {"tax", *tax}, {"house", *house}}
	outcomes := &stats{counts: map[string]map[string]int{}}

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/_stats", func(w http.ResponseWriter, r *http.Request) {
		outcomes.mu.Lock()
		body, _ := json.Marshal(outcomes.counts)
		outcomes.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	mux.HandleFunc("/v1/properties/", func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/v1/properties/")
		id := strings.TrimSuffix(rest, "/dossier")
		if id == rest || !validID(id) {
			http.Error(w, `{"error":"invalid property id"}`, http.StatusBadRequest)
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, `{"error":"method not allowed"}`, http.StatusMethodNotAllowed)
			return
		}
		var results [3]section
		done := make(chan struct{}, len(ups))
		for i := range ups {
			go func(i int) {
				results[i] = fetch(r.Context(), client, ups[i], id, *timeout)
				done <- struct{}{}
			}(i)
		}
		for range ups {
			<-done
		}
		for i, s := range results {
			outcomes.add(ups[i].name, s.Status)
		}
		d := dossier{PropertyID: id, Sources: sources{Land: results[0], Tax: results[1], House: results[2]}}
		status := http.StatusBadGateway
		for _, s := range results {
			if s.Status == "ok" {
				status = http.StatusOK
			}
		}
		body, err := json.Marshal(d)
		if err != nil {
			http.Error(w, `{"error":"encode"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(body)
	})
	server := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 60 * time.Second}
	log.SetOutput(os.Stderr)
	log.Printf("go peer listening on %s", *listen)
	log.Fatal(server.ListenAndServe())
}
