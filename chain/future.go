package chain

import "fmt"

// Future is the pending result of an …Async call. Then and Otherwise chain
// further steps, like the PHP SDK's promises; Wait blocks for the final
// result. Each step runs in its own goroutine as soon as its input is ready,
// whether or not anyone waits, and ends when the call ends (the call is bound
// by its context and the client's timeout), so an abandoned Future leaks
// nothing. A panic in a step becomes that step's error.
type Future struct {
	done chan struct{}
	resp *Response
	err  error
}

func async(fn func() (*Response, error)) *Future {
	f := &Future{done: make(chan struct{})}
	go func() {
		defer close(f.done)
		f.resp, f.err = protect(fn)
	}()
	return f
}

func resolved(resp *Response, err error) *Future {
	f := &Future{done: make(chan struct{}), resp: resp, err: err}
	close(f.done)
	return f
}

func protect(fn func() (*Response, error)) (resp *Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("chain: async step panicked: %v", p)
		}
	}()
	return fn()
}

// Then runs onSuccess with the response when the call succeeds; its result
// becomes the new Future's. An error skips onSuccess and passes through.
func (f *Future) Then(onSuccess func(*Response) (*Response, error)) *Future {
	return async(func() (*Response, error) {
		<-f.done
		if f.err != nil || onSuccess == nil {
			return f.resp, f.err
		}
		return onSuccess(f.resp)
	})
}

// Otherwise runs onError with the error when the call fails; its result
// becomes the new Future's (return a response and nil to recover). A success
// skips onError and passes through.
func (f *Future) Otherwise(onError func(error) (*Response, error)) *Future {
	return async(func() (*Response, error) {
		<-f.done
		if f.err == nil || onError == nil {
			return f.resp, f.err
		}
		return onError(f.err)
	})
}

// Wait blocks until the Future is settled and returns its result.
func (f *Future) Wait() (*Response, error) {
	<-f.done
	return f.resp, f.err
}

// Done is closed when the Future is settled, for use in select.
func (f *Future) Done() <-chan struct{} { return f.done }
