// Package export_wasi_http_incoming_handler is a wasi:http handler in
// standard Go, written against the bindings wit-bindgen's Go generator
// makes for the `handler` world (tests/programs/go-http/world.wit), as a
// componentize-go user writes one. tests/src/go_http.rs drives it:
//
//	POST /echo?keep=K  answers the body back, with x-len (its length),
//	                   x-sha256 (its digest) and x-kept (bytes kept so
//	                   far); K=1 keeps a copy, so the heap grows request by
//	                   request
//	GET /stats         x-kept, x-heap (the heap Go holds from the system)
//	                   and x-kept-sha256 (a digest over everything kept,
//	                   in order: what the collector moved stayed intact)
//
// Every request also makes garbage, so the collector runs often, and runs
// inside the allocations the host makes in the guest (cabi_realloc).
package export_wasi_http_incoming_handler

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"strconv"
	"strings"

	. "wit_component/wasi_http_types"
	"wit_component/wasi_io_streams"

	. "go.bytecodealliance.org/pkg/wit/types"
)

// At most this much of a request body is read (a larger one is refused).
const bodyLimit = 1 << 20

// wasi:io 0.2.0 lets a blocking write carry at most 4096 bytes.
const writeChunk = 4096

var kept [][]byte
var keptBytes int

func Handle(request *IncomingRequest, out *ResponseOutparam) {
	defer request.Drop()
	path := "/"
	if p := request.PathWithQuery(); p.IsSome() {
		path = p.Some()
	}
	route, query, _ := strings.Cut(path, "?")
	switch {
	case route == "/echo" && request.Method().Tag() == MethodPost:
		body, ok := readBody(request)
		if !ok {
			respond(out, 413, nil, []byte("body too large or unreadable\n"))
			return
		}
		if query == "keep=1" {
			kept = append(kept, append([]byte(nil), body...))
			keptBytes += len(body)
		}
		garbage(len(body))
		sum := sha256.Sum256(body)
		respond(out, 200, [][2]string{
			{"content-type", "application/octet-stream"},
			{"x-len", strconv.Itoa(len(body))},
			{"x-sha256", hex.EncodeToString(sum[:])},
			{"x-kept", strconv.Itoa(keptBytes)},
		}, body)
	case route == "/stats":
		var stats runtime.MemStats
		runtime.ReadMemStats(&stats)
		digest := sha256.New()
		for _, k := range kept {
			digest.Write(k)
		}
		respond(out, 200, [][2]string{
			{"x-kept", strconv.Itoa(keptBytes)},
			{"x-heap", strconv.FormatUint(stats.HeapSys, 10)},
			{"x-kept-sha256", hex.EncodeToString(digest.Sum(nil))},
		}, nil)
	default:
		respond(out, 404, nil, []byte("no route "+route+"\n"))
	}
}

// Short-lived allocations, about as many bytes as the request had.
func garbage(n int) {
	var chunks [][]byte
	for n > 0 {
		size := min(n, 16<<10)
		chunks = append(chunks, make([]byte, size))
		n -= size
	}
	runtime.KeepAlive(chunks)
}

// The whole request body, or false past bodyLimit or on a failed read.
func readBody(request *IncomingRequest) ([]byte, bool) {
	consumed := request.Consume()
	if consumed.IsErr() {
		return nil, false
	}
	body := consumed.Ok()
	opened := body.Stream()
	if opened.IsErr() {
		body.Drop()
		return nil, false
	}
	stream := opened.Ok()
	var data []byte
	ok := true
	for {
		read := stream.BlockingRead(64 << 10)
		if read.IsErr() {
			ok = read.Err().Tag() == wasi_io_streams.StreamErrorClosed
			break
		}
		data = append(data, read.Ok()...)
		if len(data) > bodyLimit {
			ok = false
			break
		}
	}
	// The stream belongs to the body: it goes first.
	stream.Drop()
	IncomingBodyFinish(body).Drop()
	return data, ok
}

// Sets the response and streams its body.
func respond(out *ResponseOutparam, status uint16, headers [][2]string, payload []byte) {
	fields := MakeFields()
	for _, header := range headers {
		fields.Append(header[0], []byte(header[1]))
	}
	response := MakeOutgoingResponse(fields)
	response.SetStatusCode(status)
	// The body is taken before the response is handed over, which ends our
	// hold on the response.
	body := response.Body()
	ResponseOutparamSet(out, Ok[*OutgoingResponse, ErrorCode](response))
	if body.IsErr() {
		return
	}
	outgoing := body.Ok()
	if write := outgoing.Write(); write.IsOk() {
		stream := write.Ok()
		for at := 0; at < len(payload); at += writeChunk {
			if stream.BlockingWriteAndFlush(payload[at:min(at+writeChunk, len(payload))]).IsErr() {
				break
			}
		}
		stream.Drop()
	}
	OutgoingBodyFinish(outgoing, None[*Fields]())
}
