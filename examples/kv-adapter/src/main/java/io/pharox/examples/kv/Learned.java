package io.pharox.examples.kv;

import io.pharox.model.CircuitState;
import io.pharox.model.Outcome;
import io.pharox.model.ProxyStanding;
import io.pharox.model.TargetBan;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a proxy has learned from its grants, outcome reports and health checks, exactly as
 * {@code docs/outcomes.md} specifies it: the last fencing token granted, the circuit breaker,
 * the scores and the target bans. It is part of the proxy's {@link ProxyRecord}, so an acquire
 * reads it with the slots it decides on, and a commit conditioned on that record's version
 * guards both: a report that opens the circuit and an acquire that read it closed cannot both
 * commit. The circuit's state is derived from {@code openUntil} at "now", never stored.
 *
 * <p>Immutable: every change returns a copy, which the caller writes back with the record.
 *
 * @param lastToken           the fencing token of the latest grant; 0 before the first
 * @param consecutiveFailures failures counting against the proxy since its last success
 * @param openings            openings of the circuit since it last closed
 * @param openUntil           when the current or last cooldown ends; empty while the circuit is closed
 * @param probe               the lease granted as the half-open circuit's probe, if any; it stops
 *                            being the probe once it no longer holds a live slot
 * @param successRate         exponentially weighted success rate, 0..1
 * @param latency             exponentially weighted latency; empty before the first
 * @param bans                the end of the ban of each normalized target; ended bans stay until
 *                            a cleanup (or a new ban of the target) removes them; unmodifiable
 */
record Learned(
        long lastToken,
        int consecutiveFailures,
        int openings,
        Optional<Instant> openUntil,
        Optional<UUID> probe,
        double successRate,
        Optional<Duration> latency,
        Map<String, Instant> bans) {

    /** A new proxy: no grant, a closed circuit, a success rate of 1, no latency, no bans. */
    static final Learned NOTHING =
            new Learned(0, 0, 0, Optional.empty(), Optional.empty(), 1, Optional.empty(), Map.of());

    Learned {
        Objects.requireNonNull(openUntil, "openUntil");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(latency, "latency");
        bans = Map.copyOf(bans);
    }

    /** The circuit's state at {@code now}. */
    CircuitState circuitAt(Instant now) {
        return ProxyStanding.circuitAt(now, openUntil);
    }

    /** The standing of proxy {@code proxyId} at {@code now}. */
    ProxyStanding standing(UUID proxyId, Instant now) {
        return new ProxyStanding(
                proxyId,
                circuitAt(now),
                consecutiveFailures,
                openings,
                openUntil,
                Math.max(0, Math.min(1, successRate)),
                latency,
                lastToken);
    }

    /**
     * A copy after a grant at {@code now} to lease {@code leaseId}: the token counter moved on to
     * the grant's token, {@link #lastToken()} + 1, and on a half-open circuit the lease is the probe.
     */
    Learned granted(UUID leaseId, Instant now) {
        Optional<UUID> newProbe = circuitAt(now) == CircuitState.HALF_OPEN ? Optional.of(leaseId) : probe;
        return new Learned(
                lastToken + 1, consecutiveFailures, openings, openUntil, newProbe, successRate, latency, bans);
    }

    /** A copy without the probe if it is one of {@code ended}: those leases have given back their slots. */
    Learned withoutProbe(Collection<UUID> ended) {
        if (probe.isEmpty() || !ended.contains(probe.get())) {
            return this;
        }
        return new Learned(
                lastToken, consecutiveFailures, openings, openUntil, Optional.empty(), successRate, latency, bans);
    }

    /** A copy after {@code outcome} was reported at {@code now}, by {@code policy}. */
    Learned after(Outcome outcome, OutcomePolicy policy, Instant now) {
        Optional<String> target = outcome.target();
        if (target.isPresent()) {
            return blocked(target.get(), now.plus(policy.banCooldown()));
        }
        return outcome.isSuccess() ? succeeded(outcome.latency(), policy, now) : failed(policy, now);
    }

    /**
     * A copy after a success at {@code now} (a report or a passed health check, with its latency
     * if it has one): no consecutive failures, a higher success rate, the latency moved towards
     * this one; a half-open circuit closes. An open circuit stays open until its cooldown ends.
     */
    Learned succeeded(Optional<Duration> sample, OutcomePolicy policy, Instant now) {
        double s = policy.smoothing();
        Optional<Duration> newLatency = sample.map(d -> latency.map(
                        old -> Duration.ofNanos(Math.round(old.toNanos() + s * (d.toNanos() - old.toNanos()))))
                .orElse(d));
        double newRate = successRate + s * (1 - successRate);
        if (circuitAt(now) == CircuitState.HALF_OPEN) {
            return new Learned(lastToken, 0, 0, Optional.empty(), Optional.empty(), newRate, newLatency, bans);
        }
        return new Learned(lastToken, 0, openings, openUntil, probe, newRate, newLatency, bans);
    }

    /**
     * A copy after a failure counting against the proxy at {@code now} (a report or a failed
     * health check): one more consecutive failure and a lower success rate; a closed circuit
     * opens at the policy's threshold; a half-open one opens again for the next, doubled,
     * cooldown and forgets its probe; an open one keeps its cooldown.
     */
    Learned failed(OutcomePolicy policy, Instant now) {
        int failures = consecutiveFailures == Integer.MAX_VALUE ? consecutiveFailures : consecutiveFailures + 1;
        double newRate = successRate * (1 - policy.smoothing());
        switch (circuitAt(now)) {
            case CLOSED:
                if (failures >= policy.failureThreshold()) {
                    return new Learned(
                            lastToken,
                            failures,
                            1,
                            Optional.of(now.plus(policy.cooldownOf(1))),
                            Optional.empty(),
                            newRate,
                            latency,
                            bans);
                }
                return new Learned(lastToken, failures, openings, openUntil, probe, newRate, latency, bans);
            case HALF_OPEN:
                int opened = openings == Integer.MAX_VALUE ? openings : openings + 1;
                return new Learned(
                        lastToken,
                        failures,
                        opened,
                        Optional.of(now.plus(policy.cooldownOf(opened))),
                        Optional.empty(),
                        newRate,
                        latency,
                        bans);
            default:
                return new Learned(lastToken, failures, openings, openUntil, probe, newRate, latency, bans);
        }
    }

    /** A copy with {@code target} banned until {@code until}, or later if a ban in force lasts longer. */
    Learned blocked(String target, Instant until) {
        Map<String, Instant> newBans = new HashMap<>(bans);
        newBans.merge(target, until, (old, fresh) -> fresh.isAfter(old) ? fresh : old);
        return new Learned(lastToken, consecutiveFailures, openings, openUntil, probe, successRate, latency, newBans);
    }

    /** Whether a request for {@code target} at {@code now} must skip the proxy. */
    boolean bannedFor(String target, Instant now) {
        Instant until = bans.get(target);
        return until != null && now.isBefore(until);
    }

    /** The bans of proxy {@code proxyId} in force at {@code now}, by target; unmodifiable. */
    List<TargetBan> bansAt(UUID proxyId, Instant now) {
        List<TargetBan> inForce = new ArrayList<>();
        bans.forEach((target, until) -> {
            if (now.isBefore(until)) {
                inForce.add(new TargetBan(proxyId, target, until));
            }
        });
        inForce.sort(Comparator.comparing(TargetBan::target));
        return List.copyOf(inForce);
    }

    /** Whether a ban has ended at {@code now} and is still recorded. */
    boolean hasEndedBans(Instant now) {
        return bans.values().stream().anyMatch(until -> !now.isBefore(until));
    }

    /** A copy without the bans that have ended at {@code now}. */
    Learned withoutEndedBans(Instant now) {
        Map<String, Instant> inForce = new HashMap<>(bans);
        inForce.values().removeIf(until -> !now.isBefore(until));
        return new Learned(lastToken, consecutiveFailures, openings, openUntil, probe, successRate, latency, inForce);
    }
}
