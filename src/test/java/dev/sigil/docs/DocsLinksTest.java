package dev.sigil.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md and docs/*.md link to each other by path and {@code #anchor}. Moving a section or renaming a heading
 * breaks such links silently (GitHub just scrolls to the top), and a relative link that leaves the repository
 * works only in one engineer's checkout. Every relative link must name a file inside the repository, and every
 * anchor a heading of its page, spelt as GitHub derives it.
 */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    @Test
    void everyRelativeLinkAndAnchorOfReadmeAndDocsResolves() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        List<Path> pages = pages(root);
        assertThat(pages).contains(root.resolve("README.md"), root.resolve("docs/operating.md"),
                root.resolve("docs/api.md"), root.resolve("docs/security.md"), root.resolve("docs/performance.md"),
                root.resolve("docs/testing.md"));
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            broken.addAll(brokenLinks(root, page));
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void reportsMissingFilesUnknownAnchorsAndPathsOutsideTheRepository(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(dir.resolve("outside.md"), "# Outside\n");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/guide.md"), "# Guide\n\n## Key rotation\n");
        Files.writeString(root.resolve("README.md"), """
                # Sigil

                ## Here

                [ok](#here) [ok](docs/guide.md#key-rotation) [ok](docs/guide.md) [web](https://example.com/#x)
                [gone](docs/missing.md) [no anchor](#nowhere) [no anchor](docs/guide.md#rotation)
                [escapes](../outside.md) `[in code](#not-checked)`

                ```sh
                echo "[in a fence](#not-checked)"
                ```
                """);

        assertThat(brokenLinks(root, root.resolve("README.md"))).containsExactly(
                "README.md: docs/missing.md: no such file",
                "README.md: #nowhere: no such heading in README.md",
                "README.md: docs/guide.md#rotation: no such heading in docs/guide.md",
                "README.md: ../outside.md: outside the repository");
    }

    @Test
    void anchorsAreGitHubSlugsOfHeadings() {
        assertThat(anchors("""
                # Sigil
                ## One-time codes (email and SMS)
                ### `PUT /users`: update the signed-in user
                ## Limits
                ## Limits
                ```sh
                # a shell comment, not a heading
                ```
                """)).containsExactlyInAnyOrder("sigil", "one-time-codes-email-and-sms",
                "put-users-update-the-signed-in-user", "limits", "limits-1");
    }

    static List<Path> pages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The links of {@code page} that do not resolve, each as "page: target: why". */
    static List<String> brokenLinks(Path root, Path page) throws IOException {
        Path realRoot = root.toRealPath();
        String name = root.relativize(page).toString();
        List<String> broken = new ArrayList<>();
        for (String line : proseLines(Files.readString(page))) {
            Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (SCHEME.matcher(target).find()) {
                    continue;   // https:, mailto: ...: not ours to check offline
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
                if (!file.toAbsolutePath().startsWith(root.toAbsolutePath())) {
                    broken.add(name + ": " + target + ": outside the repository");
                } else if (!Files.exists(file) || !file.toRealPath().startsWith(realRoot)) {
                    broken.add(name + ": " + target + ": no such file");
                } else if (hash >= 0 && file.toString().endsWith(".md")
                        && !anchors(Files.readString(file)).contains(target.substring(hash + 1))) {
                    broken.add(name + ": " + target + ": no such heading in " + root.relativize(file));
                }
            }
        }
        return broken;
    }

    /** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, "-1", "-2" for repeats. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : proseLines(markdown)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = heading.group(1).toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
        }
        return anchors;
    }

    /** The lines outside fenced code blocks (where "#" starts a shell comment and brackets are code). */
    private static List<String> proseLines(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                lines.add(line);
            }
        }
        return lines;
    }
}
