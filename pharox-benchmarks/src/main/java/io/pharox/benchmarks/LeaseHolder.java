package io.pharox.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A benchmark thread's lease between its acquire and its release, so that a latency
 * benchmark times the acquire alone: the release runs after each invocation, untimed.
 */
@State(Scope.Thread)
public class LeaseHolder {

    Leaser leaser;
    Object lease;

    /** Holds {@code lease}, taken from {@code leaser}, until the invocation ends; returns it. */
    Object hold(Leaser leaser, Object lease) {
        this.leaser = leaser;
        this.lease = lease;
        return lease;
    }

    /** Gives back the lease the invocation took, if it took one. */
    @TearDown(Level.Invocation)
    public void release() {
        if (lease != null) {
            leaser.release(lease);
            lease = null;
        }
    }
}
