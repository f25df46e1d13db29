package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GeoPointTest {

    @ParameterizedTest
    @ValueSource(
            doubles = {
                -90.0000001,
                90.0000001,
                -180,
                180,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                Double.MAX_VALUE
            })
    void a_latitude_outside_minus_90_to_90_is_rejected_naming_it(double latitude) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GeoPoint(latitude, 0))
                .withMessage("latitude must be -90..90, was " + latitude);
    }

    @ParameterizedTest
    @ValueSource(
            doubles = {
                -180.0000001,
                180.0000001,
                -360,
                360,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY
            })
    void a_longitude_outside_minus_180_to_180_is_rejected_naming_it(double longitude) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GeoPoint(0, longitude))
                .withMessage("longitude must be -180..180, was " + longitude);
    }

    @ParameterizedTest
    @CsvSource({"-90, -180", "90, 180", "0, 0", "-90, 180", "90, -180", "48.8566, 2.3522", "-0.0, -0.0"})
    void coordinates_on_and_inside_the_bounds_are_accepted(double latitude, double longitude) {
        GeoPoint p = new GeoPoint(latitude, longitude);

        assertThat(p.latitude()).isEqualTo(latitude);
        assertThat(p.longitude()).isEqualTo(longitude);
    }

    @ParameterizedTest(name = "{0} to {3}")
    @CsvSource({
        "Paris,     48.8566,   2.3522,  London,    51.5074,  -0.1278,  343.5, 1",
        "Berlin,    52.5200,  13.4050,  Munich,    48.1351,  11.5820,  504.0, 2",
        "New York,  40.7128, -74.0060,  London,    51.5074,  -0.1278, 5570.0, 10",
        "Sydney,   -33.8688, 151.2093,  Melbourne, -37.8136, 144.9631,  713.0, 3",
    })
    void distances_between_cities_match_known_values(
            String from,
            double lat1,
            double lon1,
            String to,
            double lat2,
            double lon2,
            double expectedKm,
            double toleranceKm) {
        assertThat(new GeoPoint(lat1, lon1).distanceKm(new GeoPoint(lat2, lon2)))
                .isCloseTo(expectedKm, within(toleranceKm));
    }

    @Test
    void the_distance_between_the_poles_is_half_a_great_circle() {
        double halfCircumference = Math.PI * GeoPoint.EARTH_RADIUS_KM;

        assertThat(new GeoPoint(90, 0).distanceKm(new GeoPoint(-90, 0))).isCloseTo(halfCircumference, within(1e-6));
        assertThat(new GeoPoint(0, 0).distanceKm(new GeoPoint(0, 180))).isCloseTo(halfCircumference, within(1e-6));
    }

    @Test
    void the_distance_across_the_antimeridian_takes_the_short_way() {
        double oneDegree = Math.PI * GeoPoint.EARTH_RADIUS_KM / 180;

        assertThat(new GeoPoint(0, 179.5).distanceKm(new GeoPoint(0, -179.5))).isCloseTo(oneDegree, within(1e-6));
    }

    @Test
    void the_distance_to_itself_is_zero() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            GeoPoint p = randomPoint(random);

            assertThat(p.distanceKm(p)).as("%s", p).isZero();
        }
    }

    @Test
    void the_distance_is_symmetric_and_never_more_than_half_the_circumference() {
        Random random = new Random(7);
        double max = Math.PI * GeoPoint.EARTH_RADIUS_KM;
        for (int i = 0; i < 2000; i++) {
            GeoPoint a = randomPoint(random);
            GeoPoint b = randomPoint(random);

            assertThat(a.distanceKm(b))
                    .as("%s %s", a, b)
                    .isCloseTo(b.distanceKm(a), within(1e-9))
                    .isBetween(0.0, max + 1e-9);
        }
    }

    @Test
    void distance_to_null_is_rejected() {
        assertThatNullPointerException().isThrownBy(() -> new GeoPoint(0, 0).distanceKm(null));
    }

    @Test
    void points_with_the_same_coordinates_are_equal() {
        assertThat(new GeoPoint(1.5, 2.5))
                .isEqualTo(new GeoPoint(1.5, 2.5))
                .hasSameHashCodeAs(new GeoPoint(1.5, 2.5))
                .isNotEqualTo(new GeoPoint(2.5, 1.5));
    }

    private static GeoPoint randomPoint(Random random) {
        return new GeoPoint(random.nextDouble() * 180 - 90, random.nextDouble() * 360 - 180);
    }
}
