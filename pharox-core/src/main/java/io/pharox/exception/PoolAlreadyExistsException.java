package io.pharox.exception;

/** A pool with the given name exists already. */
public class PoolAlreadyExistsException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** @param name the name that is taken */
    public PoolAlreadyExistsException(String name) {
        super("pool '" + name + "' already exists");
    }
}
