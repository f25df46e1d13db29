package io.pharox.exception;

/** The pool already holds a proxy with that id, or with that host and port. */
public class ProxyAlreadyExistsException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** @param what which proxy clashes, e.g. {@code "10.0.0.1:8080 in pool 'eu'"} */
    public ProxyAlreadyExistsException(String what) {
        super("proxy " + what + " already exists");
    }
}
