package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void next_ids_are_unique_and_strictly_increasing_under_the_order() {
        UUID previous = Ids.next();
        Set<UUID> seen = new HashSet<>();
        seen.add(previous);
        for (int i = 0; i < 50_000; i++) {
            UUID id = Ids.next();

            assertThat(Ids.ORDER.compare(previous, id))
                    .as("%s then %s", previous, id)
                    .isNegative();
            assertThat(seen.add(id)).isTrue();
            previous = id;
        }
    }

    @Test
    void next_ids_are_version_7_with_the_rfc_variant() {
        for (int i = 0; i < 1000; i++) {
            UUID id = Ids.next();

            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
        }
    }

    @Test
    void next_ids_carry_a_timestamp_no_earlier_than_the_clock() {
        long before = System.currentTimeMillis();

        UUID id = Ids.next();

        long millis = id.getMostSignificantBits() >>> 16;
        assertThat(millis).isGreaterThanOrEqualTo(before);
    }

    @Test
    void ids_made_on_several_threads_are_all_unique() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<UUID>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    List<UUID> ids = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        ids.add(Ids.next());
                    }
                    return ids;
                });
            }
            Set<UUID> all = new HashSet<>();
            for (Future<List<UUID>> f : pool.invokeAll(tasks)) {
                List<UUID> ids = f.get();
                assertThat(ids).isSortedAccordingTo(Ids.ORDER);
                all.addAll(ids);
            }

            assertThat(all).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ids_made_on_several_threads_have_distinct_time_stamps() throws Exception {
        // The 48-bit time plus 12-bit counter is unique per id on its own, even without the random bits.
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<Long>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    List<Long> msbs = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        msbs.add(Ids.next().getMostSignificantBits());
                    }
                    return msbs;
                });
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : pool.invokeAll(tasks)) {
                all.addAll(f.get());
            }

            assertThat(all).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void order_equals_unsigned_128_bit_comparison_for_random_uuids() {
        Random random = new Random(20240501L);
        int disagreementsWithUuidCompareTo = 0;
        for (int i = 0; i < 5000; i++) {
            UUID a = new UUID(random.nextLong(), random.nextLong());
            UUID b = new UUID(random.nextLong(), random.nextLong());

            int expected = unsigned(a).compareTo(unsigned(b));

            assertThat(Integer.signum(Ids.ORDER.compare(a, b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(expected);
            assertThat(Integer.signum(Ids.ORDER.compare(b, a))).isEqualTo(-expected);
            if (Integer.signum(a.compareTo(b)) != expected) {
                disagreementsWithUuidCompareTo++;
            }
        }
        // UUID.compareTo is signed; the sample must have exercised the high-bit cases where it differs.
        assertThat(disagreementsWithUuidCompareTo).isGreaterThan(1000);
    }

    @Test
    void order_equals_unsigned_comparison_when_the_high_halves_tie() {
        Random random = new Random(99);
        for (int i = 0; i < 3000; i++) {
            long msb = random.nextLong();
            UUID a = new UUID(msb, random.nextLong());
            UUID b = new UUID(msb, random.nextLong());

            assertThat(Integer.signum(Ids.ORDER.compare(a, b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(unsigned(a).compareTo(unsigned(b)));
        }
    }

    @Test
    void order_puts_high_bit_uuids_after_low_ones_unlike_uuid_compare_to() {
        UUID low = new UUID(0x7FFF_FFFF_FFFF_FFFFL, 0);
        UUID high = new UUID(0x8000_0000_0000_0000L, 0);
        UUID lowLsb = new UUID(5, 0x7FFF_FFFF_FFFF_FFFFL);
        UUID highLsb = new UUID(5, 0x8000_0000_0000_0000L);

        assertThat(Ids.ORDER.compare(low, high)).isNegative();
        assertThat(low.compareTo(high)).isPositive();
        assertThat(Ids.ORDER.compare(lowLsb, highLsb)).isNegative();
        assertThat(lowLsb.compareTo(highLsb)).isPositive();
    }

    @Test
    void order_is_zero_only_for_equal_uuids() {
        UUID a = UUID.randomUUID();

        assertThat(Ids.ORDER.compare(a, new UUID(a.getMostSignificantBits(), a.getLeastSignificantBits())))
                .isZero();
        assertThat(Ids.ORDER.compare(new UUID(0, 0), new UUID(-1, -1))).isNegative();
        assertThat(Ids.ORDER.compare(new UUID(-1, -1), new UUID(-1, -2))).isPositive();
    }

    @Test
    void order_matches_the_text_order_of_lower_case_uuids() {
        // PostgreSQL's uuid order is byte order, which is also the order of the canonical text form.
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            UUID a = new UUID(random.nextLong(), random.nextLong());
            UUID b = new UUID(random.nextLong(), random.nextLong());

            assertThat(Integer.signum(Ids.ORDER.compare(a, b)))
                    .isEqualTo(Integer.signum(a.toString().compareTo(b.toString())));
        }
    }

    private static BigInteger unsigned(UUID id) {
        byte[] bytes = ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
        return new BigInteger(1, bytes);
    }
}
