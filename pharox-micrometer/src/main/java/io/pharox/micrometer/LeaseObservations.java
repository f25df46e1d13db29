package io.pharox.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pharox.event.LeaseObserver;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import java.util.Optional;

/**
 * The observer half of {@link PharoxMetrics}: makes each acquire and release an {@link Observation}
 * (a span, with a tracing bridge) whose scope is open while the storage works, and counts the calls
 * that threw. With {@link ObservationRegistry#NOOP} it only runs the call and counts errors.
 */
final class LeaseObservations implements LeaseObserver {

    private final ObservationRegistry observations;
    private final LeaseMeters meters;
    private final boolean tagProxies;

    LeaseObservations(ObservationRegistry observations, LeaseMeters meters, boolean tagProxies) {
        this.observations = observations;
        this.meters = meters;
        this.tagProxies = tagProxies;
    }

    @Override
    @SuppressWarnings("try") // the scope is opened for what runs inside it, not used
    public Optional<LeasedProxy> acquire(AcquireRequest request, AcquireCall call) throws InterruptedException {
        if (observations.isNoop()) {
            try {
                return call.run();
            } catch (InterruptedException | RuntimeException | Error e) {
                meters.error("acquire", request.poolName(), e);
                throw e;
            }
        }
        Observation observation = Observation.createNotStarted(MeterNames.ACQUIRE_OBSERVATION, observations)
                .contextualName("pharox acquire")
                .lowCardinalityKeyValue(MeterNames.TAG_POOL, request.poolName())
                .lowCardinalityKeyValue(MeterNames.TAG_STRATEGY, LeaseMeters.lower(request.strategy()))
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            Optional<LeasedProxy> leased = call.run();
            observation.lowCardinalityKeyValue(MeterNames.TAG_OUTCOME, leased.isPresent() ? "hit" : "miss");
            if (tagProxies) {
                observation.highCardinalityKeyValue(
                        MeterNames.TAG_PROXY,
                        leased.map(l -> l.proxy().id().toString()).orElse(MeterNames.NO_PROXY));
            }
            return leased;
        } catch (InterruptedException | RuntimeException | Error e) {
            observation.lowCardinalityKeyValue(MeterNames.TAG_OUTCOME, "error");
            observation.error(e);
            meters.error("acquire", request.poolName(), e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    @Override
    @SuppressWarnings("try") // the scope is opened for what runs inside it, not used
    public boolean release(Lease lease, String poolName, ReleaseCall call) {
        if (observations.isNoop()) {
            try {
                return call.run();
            } catch (RuntimeException | Error e) {
                meters.error("release", poolName, e);
                throw e;
            }
        }
        Observation observation = Observation.createNotStarted(MeterNames.RELEASE_OBSERVATION, observations)
                .contextualName("pharox release")
                .lowCardinalityKeyValue(MeterNames.TAG_POOL, poolName)
                .start();
        if (tagProxies) {
            observation.highCardinalityKeyValue(
                    MeterNames.TAG_PROXY, lease.proxyId().toString());
        }
        try (Observation.Scope scope = observation.openScope()) {
            boolean released = call.run();
            observation.lowCardinalityKeyValue(MeterNames.TAG_OUTCOME, released ? "released" : "not_active");
            return released;
        } catch (RuntimeException | Error e) {
            observation.lowCardinalityKeyValue(MeterNames.TAG_OUTCOME, "error");
            observation.error(e);
            meters.error("release", poolName, e);
            throw e;
        } finally {
            observation.stop();
        }
    }
}
