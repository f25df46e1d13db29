package io.pharox.cli;

import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.sql.EnvironmentKeyring;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pharox import}: adds the proxies of a list ({@link ProxyList}) to a pool, in one
 * all-or-nothing write. Without {@code --skip-bad}, one bad line (malformed, listed twice, or
 * already in the pool) means nothing is imported.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Imports proxies into a pool from FILE, or from standard input when FILE is - or absent.",
            "One proxy per line: URL [tag=value ...], where URL is scheme://[user:password@]host:port"
                    + " (http, https, socks4, socks5) or host:port (http), and the tags are country, city,"
                    + " source, isp, asn and max (concurrent leases, a number or unlimited; 1 when absent)."
                    + " # starts a comment; blank lines are ignored.",
            "A bad line (malformed, listed twice, already in the pool) is named by its number on standard"
                    + " error; then nothing is imported and the exit code is 1, unless --skip-bad imports the"
                    + " good lines. The summary goes to standard output."
        },
        footerHeading = "%n",
        footer = PharoxCli.EXIT_CODES)
final class ImportCommand extends StoreCommand {

    @Option(names = "--pool", required = true, paramLabel = "POOL", description = "the pool to import into")
    @SuppressWarnings("NullAway.Init")
    String pool;

    @Option(
            names = "--create-pool",
            description = "create the pool if it does not exist (without it, a missing pool is an error)")
    boolean createPool;

    @Option(names = "--skip-bad", description = "import the good lines even if some are bad (exit code 0)")
    boolean skipBad;

    @Option(names = "--json", description = "print the summary as a JSON object")
    boolean json;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILE",
            description = "the proxy list; - or absent: standard input")
    @Nullable
    String file;

    @Override
    int run(Admin admin) {
        ProxyList.Parsed parsed = ProxyList.parse(lines());
        Optional<ProxyPool> existing = admin.findPool(pool);
        if (existing.isEmpty() && !createPool) {
            throw new PharoxCli.Failure("pool '" + pool + "' does not exist: create it with --create-pool");
        }
        List<ProxyList.Problem> problems = new ArrayList<>(parsed.problems());
        List<ProxyList.Entry> good = new ArrayList<>(parsed.entries());
        if (existing.isPresent()) {
            Set<String> stored =
                    admin.proxies(pool).stream().map(ProxyList::key).collect(Collectors.toSet());
            for (ProxyList.Entry entry : parsed.entries()) {
                if (stored.contains(entry.key())) {
                    good.remove(entry);
                    problems.add(alreadyStored(entry));
                }
            }
        }
        if (!problems.isEmpty() && !skipBad) {
            return refuse(problems, good);
        }
        ProxyPool target = existing.orElseGet(() -> admin.createPool(pool));
        List<Proxy> added;
        try {
            added = add(admin, target, good, problems);
        } catch (RuntimeException e) {
            dropCreated(admin, existing.isEmpty(), e);
            throw e;
        }
        if (!problems.isEmpty() && !skipBad) {
            dropCreated(admin, existing.isEmpty(), null);
            return refuse(problems, good);
        }
        summarize(added.size(), existing.isEmpty(), problems);
        return PharoxCli.OK;
    }

    /**
     * Adds the good entries in one call. An entry refused by the store (another process added its
     * address since it was read) becomes a problem; with {@code --skip-bad} the others are tried
     * again without it.
     */
    private List<Proxy> add(
            Admin admin, ProxyPool target, List<ProxyList.Entry> good, List<ProxyList.Problem> problems) {
        while (true) {
            if (good.isEmpty()) {
                return List.of();
            }
            List<Proxy> proxies = good.stream().map(e -> e.inPool(target.id())).toList();
            try {
                return admin.addProxies(target, proxies);
            } catch (ProxyBatchException e) {
                ProxyList.Entry refused = good.remove(e.index());
                problems.add(new ProxyList.Problem(refused.line(), reason(e)));
                if (!skipBad) {
                    good.add(e.index(), refused);
                    return List.of();
                }
            }
        }
    }

    /** Why the store refused an entry, in the words of this command's options. */
    private static String reason(ProxyBatchException e) {
        Throwable cause = e.getCause();
        if (cause instanceof CredentialEncryptionRequiredException) {
            return "the proxy has credentials and there is no key to encrypt them at rest: set "
                    + EnvironmentKeyring.KEY + " and " + EnvironmentKeyring.KEY_ID
                    + ", or pass --allow-plaintext-credentials";
        }
        return String.valueOf(cause == null ? e.getMessage() : cause.getMessage());
    }

    /** Nothing imported: a pool this command created goes too. */
    private void dropCreated(Admin admin, boolean created, @Nullable RuntimeException failure) {
        if (created) {
            try {
                admin.deletePool(pool);
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private ProxyList.Problem alreadyStored(ProxyList.Entry entry) {
        return new ProxyList.Problem(entry.line(), entry.proxy().address() + " is already in pool '" + pool + "'");
    }

    private int refuse(List<ProxyList.Problem> problems, List<ProxyList.Entry> entries) {
        Set<Integer> bad = problems.stream().map(ProxyList.Problem::line).collect(Collectors.toSet());
        long good = entries.stream().filter(e -> !bad.contains(e.line())).count();
        problems.sort(Comparator.comparingInt(ProxyList.Problem::line));
        String name = spec.qualifiedName();
        for (ProxyList.Problem problem : problems) {
            err().println(name + ": " + problem);
        }
        err().println(name + ": nothing imported: " + problems.size()
                + (problems.size() == 1 ? " bad line" : " bad lines")
                + (good > 0 ? " (--skip-bad imports the other " + good + ")" : ""));
        err().flush();
        return PharoxCli.FAILED;
    }

    private void summarize(int added, boolean created, List<ProxyList.Problem> skipped) {
        skipped.sort(Comparator.comparingInt(ProxyList.Problem::line));
        if (json) {
            StringBuilder list = new StringBuilder("[");
            for (int i = 0; i < skipped.size(); i++) {
                ProxyList.Problem p = skipped.get(i);
                list.append(i == 0 ? "" : ", ")
                        .append("{\"line\": ")
                        .append(p.line())
                        .append(", \"reason\": ")
                        .append(Table.string(p.reason()))
                        .append('}');
            }
            out().println("{\"pool\": " + Table.string(pool) + ", \"created_pool\": " + created + ", \"imported\": "
                    + added + ", \"skipped\": " + list.append(']') + "}");
        } else {
            for (ProxyList.Problem problem : skipped) {
                err().println(spec.qualifiedName() + ": skipped " + problem);
            }
            err().flush();
            out().println("imported " + added + (added == 1 ? " proxy" : " proxies") + " into pool '" + pool + "'"
                    + (created ? " (created)" : "")
                    + (skipped.isEmpty()
                            ? ""
                            : "; skipped " + lines(skipped.size()) + ": "
                                    + skipped.stream()
                                            .map(p -> String.valueOf(p.line()))
                                            .collect(Collectors.joining(", "))));
        }
        out().flush();
    }

    private static String lines(int n) {
        return n + (n == 1 ? " line" : " lines");
    }

    private List<String> lines() {
        try {
            if (file == null || file.equals("-")) {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                return in.lines().toList();
            }
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PharoxCli.Failure(
                    "cannot read " + (file == null ? "standard input" : "'" + file + "'") + ": " + describe(e));
        }
    }

    private static String describe(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (t instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
    }
}
