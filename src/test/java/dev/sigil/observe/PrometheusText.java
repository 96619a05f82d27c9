package dev.sigil.observe;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads samples out of the Prometheus text format: enough for tests to compare counters before and after. */
record PrometheusText(String text) {

    /** The value of the sample {@code name} whose labels include every pair of {@code labels}; 0 when absent. */
    double value(String name, Map<String, String> labels) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int brace = line.indexOf('{');
            String sampleName = brace < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, brace);
            if (!sampleName.equals(name)) {
                continue;
            }
            Map<String, String> sampleLabels = brace < 0 ? Map.of() : labels(line.substring(brace + 1, line.lastIndexOf('}')));
            if (sampleLabels.entrySet().containsAll(labels.entrySet())) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : 0;
    }

    /** Every value of {@code label} on samples of {@code name}. */
    Set<String> labelValues(String name, String label) {
        Set<String> values = new TreeSet<>();
        for (String line : text.split("\n")) {
            int brace = line.indexOf('{');
            if (line.startsWith("#") || brace < 0 || !line.substring(0, brace).equals(name)) {
                continue;
            }
            String value = labels(line.substring(brace + 1, line.lastIndexOf('}'))).get(label);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    private static Map<String, String> labels(String inside) {
        Map<String, String> labels = new TreeMap<>();
        int i = 0;
        while (i < inside.length()) {
            int eq = inside.indexOf('=', i);
            String key = inside.substring(i, eq).trim();
            int start = eq + 2;
            StringBuilder value = new StringBuilder();
            int j = start;
            while (inside.charAt(j) != '"') {
                if (inside.charAt(j) == '\\') {
                    j++;
                }
                value.append(inside.charAt(j));
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < inside.length() && inside.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }
}
