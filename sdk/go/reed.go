// Package reed gives a Go plugin for the ReedCMS host what the AssemblyScript SDK gives: typed
// hook helpers, events, config, logs, and the host's fast I/O (docs/abi.md), on top of the
// official go-pdk, so a plugin stays an ordinary Extism plugin on any other host.
//
//	//go:wasmexport hook_before_render
//	func hookBeforeRender() int32 {
//		return reed.Filter(func(p Page) (Page, error) { p.Title += "!"; return p, nil })
//	}
//
// Build as a WASI reactor: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o plugin.wasm .
package reed

import (
	"encoding/json"
	"errors"
	"fmt"
	"unsafe"

	"github.com/extism/go-pdk"
)

//go:wasmimport extism:host/user reed_input_size
func hostInputSize() int32

//go:wasmimport extism:host/user reed_input_read
func hostInputRead(dest uint32, length uint32) int32

//go:wasmimport extism:host/user reed_output_write
func hostOutputWrite(src uint32, length uint32) int32

//go:wasmimport extism:host/user reed_publish_event
func hostPublishEvent(offset uint64) int32

// Input is the call's input: one host call straight into Go memory where the host offers it
// (the ReedCMS host inline), else Extism's stock copy.
func Input() []byte {
	size := hostInputSize()
	if size > 0 {
		buf := make([]byte, size)
		if hostInputRead(uint32(uintptr(unsafe.Pointer(&buf[0]))), uint32(size)) == size {
			return buf
		}
	} else if size == 0 {
		return []byte{}
	}
	return pdk.Input()
}

// Output sets the call's output (empty output means "data unchanged" for a filter).
func Output(data []byte) {
	if len(data) > 0 && hostOutputWrite(uint32(uintptr(unsafe.Pointer(&data[0]))), uint32(len(data))) == int32(len(data)) {
		return
	}
	pdk.Output(data)
}

// InputJSON decodes the call's input into v.
func InputJSON(v any) error {
	return json.Unmarshal(Input(), v)
}

// OutputJSON encodes v as the call's output.
func OutputJSON(v any) error {
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	Output(out)
	return nil
}

// Fail reports an error to the host (E_GUEST) and returns the nonzero code to return with it.
func Fail(err error) int32 {
	pdk.SetError(err)
	return 1
}

// Filter runs a filter hook: the data decoded into T, fn's result encoded back.
func Filter[T any](fn func(T) (T, error)) int32 {
	var data T
	if err := InputJSON(&data); err != nil {
		return Fail(fmt.Errorf("the input is not the expected JSON: %w", err))
	}
	out, err := fn(data)
	if err != nil {
		return Fail(err)
	}
	if err := OutputJSON(out); err != nil {
		return Fail(err)
	}
	return 0
}

// Command runs handle_command: fn gets the command's name and its raw JSON arguments.
func Command(fn func(name string, args json.RawMessage) (any, error)) int32 {
	var call struct {
		Command string          `json:"command"`
		Args    json.RawMessage `json:"args"`
	}
	if err := InputJSON(&call); err != nil {
		return Fail(err)
	}
	out, err := fn(call.Command, call.Args)
	if err != nil {
		return Fail(err)
	}
	if err := OutputJSON(out); err != nil {
		return Fail(err)
	}
	return 0
}

// ErrEventRefused is returned by Publish when the host refused the event (type not declared,
// or a limit); ErrEventMalformed when the event is not well-formed.
var (
	ErrEventRefused   = errors.New("the host refused the event")
	ErrEventMalformed = errors.New("the event is malformed")
)

// Publish publishes an event of a type the manifest declares; it is delivered after the call.
func Publish(eventType string, data any) error {
	body, err := json.Marshal(map[string]any{"type": eventType, "data": data})
	if err != nil {
		return err
	}
	block := pdk.AllocateBytes(body)
	defer block.Free()
	switch hostPublishEvent(block.Offset()) {
	case 0:
		return nil
	case 1:
		return ErrEventRefused
	default:
		return ErrEventMalformed
	}
}

// Config decodes the plugin's whole config (as validated against its config_schema) into v.
func Config(v any) error {
	text, ok := pdk.GetConfig("reed.config")
	if !ok {
		return errors.New("no config (not a ReedCMS host?)")
	}
	return json.Unmarshal([]byte(text), v)
}

// Info, Warn and Error log a line at their level (the host prefixes the plugin id).
func Info(message string)  { pdk.Log(pdk.LogInfo, message) }
func Warn(message string)  { pdk.Log(pdk.LogWarn, message) }
func Error(message string) { pdk.Log(pdk.LogError, message) }
