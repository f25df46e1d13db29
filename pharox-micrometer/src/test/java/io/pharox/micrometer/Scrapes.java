package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a Prometheus scrape in tests: one sample's value by its exact name and labels. */
final class Scrapes {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    private Scrapes() {}

    /** A Prometheus registry on {@code clock}, with its own collector registry. */
    static PrometheusMeterRegistry registry(MockClock clock) {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
    }

    /**
     * The value of the sample named {@code name} whose labels are exactly {@code labels} (in the
     * registry's order, as {@code a="x",b="y"}), failing if there is none or more than one.
     */
    static double value(String scrape, String name, String labels) {
        List<Double> found = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (m.matches() && m.group(1).equals(name)) {
                String got = m.group(2) == null
                        ? ""
                        : m.group(2).substring(1, m.group(2).length() - 1);
                if (got.equals(labels)) {
                    found.add(Double.parseDouble(m.group(3)));
                }
            }
        }
        assertThat(found)
                .as("samples %s{%s} in the scrape:%n%s", name, labels, scrape)
                .hasSize(1);
        return found.get(0);
    }

    /** The names of every sample in the scrape, with their labels, one per line (comments left out). */
    static List<String> samples(String scrape) {
        List<String> samples = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return samples;
    }
}
