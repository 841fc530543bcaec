package io.opencardkit.server.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a node's {@code GET /metrics}, parsed from Prometheus's text format. */
public final class MetricsScrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // as Prometheus scrapes
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A sample: the metric's name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final String text;

  private MetricsScrape(String text) {
    this.text = text;
    this.samples = parse(text);
  }

  /**
   * Scrapes {@code baseUrl + "/metrics"}; fails unless it answers 200 in Prometheus's text format.
   */
  public static MetricsScrape of(String baseUrl) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                .timeout(
                    Duration.ofSeconds(10)) // a scrape that hangs fails the test, never the run
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200
        || !response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
      throw new AssertionError(
          "GET /metrics answered "
              + response.statusCode()
              + " "
              + response.headers().firstValue("Content-Type")
              + ": "
              + response.body());
    }
    return new MetricsScrape(response.body());
  }

  /** Parses a scrape's text. */
  public static MetricsScrape ofText(String body) {
    return new MetricsScrape(body);
  }

  private static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      String value = line.substring(space + 1).trim();
      samples.add(
          new Sample(
              name,
              labels,
              value.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value)));
    }
    return samples;
  }

  /**
   * The sum of the samples named {@code name} whose labels include {@code labels} (pairs: key,
   * value, key, value…).
   */
  public double sum(String name, String... labels) {
    double total = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && hasLabels(sample, labels)) {
        total += sample.value();
      }
    }
    return total;
  }

  /** How much {@code sum(name, labels)} grew from {@code before} to this scrape. */
  public double delta(MetricsScrape before, String name, String... labels) {
    return sum(name, labels) - before.sum(name, labels);
  }

  private static boolean hasLabels(Sample sample, String[] labels) {
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }

  /** The names of every sample. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  public String text() {
    return text;
  }
}
