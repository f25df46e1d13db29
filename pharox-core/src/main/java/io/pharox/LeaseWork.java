package io.pharox;

import io.pharox.model.LeasedProxy;
import java.util.Optional;
import java.util.function.Function;

/** Runs work with an acquired lease and releases it after, also when the work throws. */
final class LeaseWork {

    private LeaseWork() {}

    /**
     * Runs {@code work} with {@code leased}, if present, and releases its lease through
     * {@code manager}. A failing release is thrown if the work succeeded, else added to the
     * work's failure as suppressed.
     *
     * @return what {@code work} returned; empty if nothing was leased or it returned {@code null}
     */
    static <T> Optional<T> apply(
            ProxyLeasing manager, Optional<LeasedProxy> leased, Function<? super LeasedProxy, ? extends T> work) {
        if (leased.isEmpty()) {
            return Optional.empty();
        }
        Throwable failure = null;
        try {
            return Optional.ofNullable(work.apply(leased.get()));
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            try {
                manager.release(leased.get().lease());
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }
}
