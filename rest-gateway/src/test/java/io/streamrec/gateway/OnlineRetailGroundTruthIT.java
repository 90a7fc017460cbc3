package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.testsupport.EmbeddedKafka;
import io.streamrec.testsupport.Wait;
import io.streamrec.tools.load.Catalog;
import io.streamrec.tools.load.EventJson;
import io.streamrec.tools.load.OnlineRetailFormat;
import io.streamrec.tools.load.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The "done when" against the real UCI Online Retail file: for a few real customers, what
 * {@code GET /users/{id}/features} answers equals what this class computes straight from their CSV rows, and
 * {@code GET /items/85123A/similar} names only items bought with 85123A.
 *
 * <p>Which rows are purchases is the loader's decision ({@link OnlineRetailFormat#map}: no cancellations, no
 * non-positive quantity or price, no postage/fee lines), and what is sent is exactly what {@code ./streamrec load}
 * sends for them. The expected values, however, are computed here from the raw CSV fields (InvoiceNo, StockCode,
 * Quantity, InvoiceDate as Europe/London time, UnitPrice, CustomerID) with exact decimals, without any production
 * feature code.
 *
 * <p>Customers, chosen by rule among those with usable rows, not by id:
 * <ul>
 *   <li>of those with at most {@value #MAX_CUSTOMER_ROWS} rows, the one with the most invoices (ties: smallest id);</li>
 *   <li>of those with exactly one invoice, the one with the most rows;</li>
 *   <li>of those with 3 to 10 distinct purchase days, the one with the most invoices (then most rows).</li>
 * </ul>
 * Sent with them: every row of the first invoices (file order) that contain 85123A, whole invoices, at most
 * {@value #ITEM_INVOICE_ROW_CAP} rows. All events go through {@code POST /events} in event-time order (batches of at
 * most 1,000, one at a time) to one packaged gateway on a broker of its own: a broker shared with tests that send
 * events of today would move stream time 14 years past 2011, and the history retention would keep these events out of
 * co-occurrence.
 *
 * <p>The gateway runs with its defaults (day zone UTC): every InvoiceDate in the file lies between 06:00 and 21:00 UK
 * time, so a UK calendar day and a UTC day are the same day for each row; the expected purchase days are UK days.
 */
class OnlineRetailGroundTruthIT {
    /** The item the issue names. */
    static final String ITEM = "85123A";
    static final Path DATA = Path.of("shared", "data");
    static final Path CSV = Path.of("online-retail", "online_retail.csv.gz");
    static final ZoneId UK = ZoneId.of("Europe/London");
    static final int ITEM_INVOICE_ROW_CAP = 1000;
    /** Bounds the cost of the busiest customer (12748, the busiest overall, has 4,580 rows over 113 days). */
    static final int MAX_CUSTOMER_ROWS = 1000;
    static final int BATCH = 1000;
    /** Documented defaults (docs/configuration-features.md) the gateway runs with. */
    static final int HISTORY_K = 10;
    static final double PURCHASE_WEIGHT = 8.0;
    static final double HALF_LIFE_MS = Duration.ofDays(7).toMillis();
    /** HyperLogLog with lg-k 10: relative standard error 1.04 / sqrt(2^10), about 3.25 %; three of them allowed. */
    static final double HLL_TOLERANCE = 3 * 1.04 / Math.sqrt(1 << 10);
    static final double MONEY = 1e-6;
    static final double DAY_MS = 86_400_000.0;
    /** Generous: a loaded machine is slow, and a fast one does not wait for it. */
    static final Duration WAIT = Duration.ofSeconds(600);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One usable CSV row: raw fields read independently, and the event the loader makes of it. */
    record Purchase(long row, String customer, String invoice, String item, String title, BigDecimal price,
                    long quantity, long time, EventJson event) {
        /** The key the system keeps a user's state under: the customer, or for guests the invoice session. */
        String userKey() {
            return customer != null ? customer : event.sessionId();
        }
    }

    private static final class CustomerRows {
        final Set<String> invoices = new HashSet<>();
        final Set<LocalDate> days = new HashSet<>();
        int rows;
    }

    private static EmbeddedKafka kafka;
    private static GatewayProcess gateway;
    private static List<String> chosen;
    /** Everything sent, in sending order (event time, then file row). */
    private static List<Purchase> sent;
    /** The catalog titles sent (the loader's: an item's first non-empty Description in the file). */
    private static final Map<String, String> titles = new HashMap<>();
    private static final Map<String, Long> phases = new LinkedHashMap<>();
    private static long start;

    @BeforeAll
    static void loadTheRealData() throws Exception {
        start = System.nanoTime();
        Path file = locateCsv();
        // the gateway boots while the file is read
        kafka = EmbeddedKafka.start();
        kafka.createStreamrecTopics(3);
        Path work = Files.createDirectories(Path.of("target", "it-work", "online-retail-" + System.currentTimeMillis()));
        gateway = new GatewayProcess(kafka.bootstrapServers(), work, "gateway").start();
        phase("broker up, gateway starting");

        // pass 1: choose customers and invoices by rule (from the loader's events: cheap, and choosing is not checking)
        Map<String, CustomerRows> customers = new HashMap<>();
        Map<String, Integer> invoiceRows = new HashMap<>();
        Set<String> itemInvoices = new LinkedHashSet<>();
        readUsedRows(file, r -> true, (n, r, e) -> {
            String invoice = e.properties().get("invoiceNo");
            invoiceRows.merge(invoice, 1, Integer::sum);
            if (e.itemId().equals(ITEM)) {
                itemInvoices.add(invoice);
            }
            if (e.userId() != null) {
                CustomerRows c = customers.computeIfAbsent(e.userId(), k -> new CustomerRows());
                c.rows++;
                c.invoices.add(invoice);
                c.days.add(ukDay(e.timestamp()));
            }
        });
        Comparator<String> byId = Comparator.naturalOrder();
        String busiest = customers.keySet().stream().filter(c -> customers.get(c).rows <= MAX_CUSTOMER_ROWS)
                .min(Comparator.<String>comparingInt(c -> -customers.get(c).invoices.size()).thenComparing(byId)).orElseThrow();
        String single = customers.keySet().stream().filter(c -> customers.get(c).invoices.size() == 1)
                .min(Comparator.<String>comparingInt(c -> -customers.get(c).rows).thenComparing(byId)).orElseThrow();
        String severalDays = customers.keySet().stream()
                .filter(c -> customers.get(c).days.size() >= 3 && customers.get(c).days.size() <= 10)
                .min(Comparator.<String>comparingInt(c -> -customers.get(c).invoices.size())
                        .thenComparingInt(c -> -customers.get(c).rows).thenComparing(byId)).orElseThrow();
        chosen = List.of(busiest, single, severalDays);
        Set<String> invoices = new HashSet<>();
        int itemRows = 0;
        for (String invoice : itemInvoices) {
            if (itemRows + invoiceRows.get(invoice) > ITEM_INVOICE_ROW_CAP) {
                break;
            }
            itemRows += invoiceRows.get(invoice);
            invoices.add(invoice);
        }
        phase("customers and invoices chosen");

        // pass 2: their rows, raw fields read independently, in event-time order
        Set<String> chosenRaw = new HashSet<>(chosen);
        List<Purchase> rows = new ArrayList<>();
        readUsedRows(file, r -> invoices.contains(r.get("InvoiceNo").strip()) || chosenRaw.contains(customerId(r)),
                (n, r, e) -> rows.add(purchase(n, r, e)));
        phase("their rows collected");
        Catalog catalog = new Catalog();
        rows.forEach(p -> catalog.add(p.item(), p.title(), p.price().doubleValue(), p.time()));
        catalog.items().forEach(i -> titles.put(i.itemId(), i.title()));
        rows.sort(Comparator.comparingLong(Purchase::time).thenComparingLong(Purchase::row));
        sent = rows;
        System.out.printf("OnlineRetailGroundTruthIT: customers %s (most invoices, single invoice, 3-10 purchase days);"
                        + " %d invoices with %s (%d rows); %d events, %d catalog items%n",
                chosen, invoices.size(), ITEM, itemRows, sent.size(), catalog.size());

        gateway.awaitReady(Duration.ofSeconds(300));
        phase("broker and gateway up");

        postInBatches("/items", catalog.items());
        Wait.until("catalog knows " + ITEM, Duration.ofSeconds(120), () -> call("/items/" + ITEM + "/stats").statusCode() == 200);
        postInBatches("/events", sent.stream().map(Purchase::event).toList());
        phase("catalog and events accepted");
    }

    @AfterAll
    static void stop() throws Exception {
        phases.forEach((what, ms) -> System.out.printf("OnlineRetailGroundTruthIT: %-32s at %6d ms%n", what, ms));
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void userFeaturesMatchADirectComputationFromTheCsv() {
        List<String> mismatches = new ArrayList<>();
        for (String customer : chosen) {
            List<Purchase> rows = sent.stream().filter(p -> customer.equals(p.customer())).toList();
            awaitCount("purchases in the features of customer " + customer, rows.size(),
                    () -> json("/users/" + customer + "/features").get("totalEvents").asLong());
            long before = System.currentTimeMillis();
            JsonNode f = json("/users/" + customer + "/features");
            long after = System.currentTimeMillis();
            mismatches.addAll(compare(customer, rows, f, before, after));
        }
        phase("features checked");
        assertTrue(mismatches.isEmpty(), "features differ from the CSV:\n  " + String.join("\n  ", mismatches));
    }

    @Test
    void similarItemsOf85123AWereBoughtWithIt() {
        long purchasesOfItem = sent.stream().filter(p -> p.item().equals(ITEM)).count();
        // pairs exist only within one user's sequence (a guest's is the invoice): an item is paired with the
        // history-k entries before it, in both directions, so these are all the items the system can ever pair it with
        Map<String, List<Purchase>> sequences = new LinkedHashMap<>();
        sent.forEach(p -> sequences.computeIfAbsent(p.userKey(), k -> new ArrayList<>()).add(p));
        Set<String> withinK = new TreeSet<>();
        for (List<Purchase> seq : sequences.values()) {
            for (int i = 0; i < seq.size(); i++) {
                if (seq.get(i).item().equals(ITEM)) {
                    for (int j = Math.max(0, i - HISTORY_K); j <= Math.min(seq.size() - 1, i + HISTORY_K); j++) {
                        withinK.add(seq.get(j).item());
                    }
                }
            }
        }
        withinK.remove(ITEM);
        Set<String> itemInvoices = new HashSet<>();
        sent.stream().filter(p -> p.item().equals(ITEM)).forEach(p -> itemInvoices.add(p.invoice()));
        Set<String> sameInvoice = new TreeSet<>();
        sent.stream().filter(p -> itemInvoices.contains(p.invoice()) && !p.item().equals(ITEM)).forEach(p -> sameInvoice.add(p.item()));

        awaitCount("purchases in the stats of " + ITEM, purchasesOfItem, () -> json("/items/" + ITEM + "/stats").get("purchases").asLong());
        phase("similar items answered");
        JsonNode answer = json("/items/" + ITEM + "/similar?count=10");
        List<String> similar = similarOf(answer);
        System.out.println("OnlineRetailGroundTruthIT: /items/" + ITEM + "/similar?count=10 -> " + answer);
        assertEquals(10, answer.get("items").size(), answer.toString());
        for (JsonNode i : answer.get("items")) {
            String id = i.get("itemId").asText();
            assertTrue(withinK.contains(id), id + " (reason " + i.get("reason").asText() + ") was never bought within "
                    + HISTORY_K + " rows of " + ITEM + " by one customer; answer " + answer);
            assertEquals(titles.get(id), i.get("title").asText(null), "catalog title of " + id);
        }
        assertFalse(similar.isEmpty(), "no item with reason other than popular: " + answer);
        assertTrue(similar.stream().anyMatch(sameInvoice::contains),
                "none of " + similar + " shares an invoice with " + ITEM + " (" + sameInvoice.size() + " items do)");
    }

    /** Waits until {@code count} reaches {@code expected}; a timeout says how far it got. */
    private static void awaitCount(String what, long expected, LongSupplier count) {
        AtomicLong last = new AtomicLong(-1);
        try {
            Wait.until(what + " reach " + expected, WAIT, () -> {
                last.set(count.getAsLong());
                return last.get() == expected;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last seen: " + last.get() + ")", e);
        }
    }

    private static void phase(String what) {
        phases.put(what, (System.nanoTime() - start) / 1_000_000);
    }

    /** The ids of the answer's items whose reason is not "popular". */
    private static List<String> similarOf(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("items").forEach(i -> {
            if (!"popular".equals(i.get("reason").asText())) {
                out.add(i.get("itemId").asText());
            }
        });
        return out;
    }

    /** Expected features from the rows, compared with the answer; one line per difference, and a report line. */
    private static List<String> compare(String customer, List<Purchase> rows, JsonNode f, long before, long after) {
        BigDecimal spend = BigDecimal.ZERO;
        Set<String> invoices = new HashSet<>();
        Set<String> items = new HashSet<>();
        TreeSet<LocalDate> days = new TreeSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Purchase p : rows) {
            spend = spend.add(p.price().multiply(BigDecimal.valueOf(p.quantity())));
            invoices.add(p.invoice());
            items.add(p.item());
            days.add(ukDay(p.time()));
            first = Math.min(first, p.time());
            last = Math.max(last, p.time());
        }
        double engagement = 0;
        for (Purchase p : rows) {
            engagement += PURCHASE_WEIGHT * Math.pow(2, -(last - p.time()) / HALF_LIFE_MS);
        }
        Double frequency = null;
        if (days.size() >= 2) {
            long gaps = 0;
            LocalDate previous = null;
            for (LocalDate d : days) {
                gaps += previous == null ? 0 : ChronoUnit.DAYS.between(previous, d);
                previous = d;
            }
            frequency = gaps / (double) (days.size() - 1);
        }

        List<String> out = new ArrayList<>();
        Check c = new Check(customer, f, out);
        c.exact("counts.purchase", rows.size());
        for (String type : List.of("view", "click", "add_to_cart", "remove_from_cart", "search", "review", "rating")) {
            c.exact("counts." + type, 0);
        }
        c.exact("totalEvents", rows.size());
        c.near("totalSpend", spend.doubleValue(), MONEY);
        c.exact("orders", invoices.size());
        c.near("averageOrderValue", spend.divide(BigDecimal.valueOf(invoices.size()), MathContext.DECIMAL64).doubleValue(), MONEY);
        c.exact("firstSeen", first);
        c.text("firstSeenTime", Instant.ofEpochMilli(first).toString());
        c.exact("lastSeen", last);
        c.text("lastSeenTime", Instant.ofEpochMilli(last).toString());
        c.exact("lastPurchase", last);
        c.text("lastPurchaseTime", Instant.ofEpochMilli(last).toString());
        c.between("daysSinceLastPurchase", (before - last) / DAY_MS, (after - last) / DAY_MS);
        c.exact("purchaseDays", days.size());
        if (frequency == null) {
            c.isNull("purchaseFrequencyDays");
        } else {
            c.near("purchaseFrequencyDays", frequency, 1e-9);
        }
        c.near("distinctItems", items.size(), Math.max(1.0, HLL_TOLERANCE * items.size()));
        c.exact("distinctCategories", 0); // the data set has no categories
        c.exact("sessions", invoices.size()); // sessionId is invoice-<InvoiceNo>
        c.near("engagementScore", engagement, 1e-9 * engagement);
        c.exact("asOf", last);
        System.out.printf("OnlineRetailGroundTruthIT: customer %s expected purchases=%d spend=%s orders=%d aov=%.6f first=%s last=%s"
                        + " purchaseDays=%d frequency=%s distinctItems=%d sessions=%d engagement=%.9f%n"
                        + "OnlineRetailGroundTruthIT: customer %s actual   %s%n",
                customer, rows.size(), spend.toPlainString(), invoices.size(),
                spend.doubleValue() / invoices.size(), Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), days.size(),
                frequency, items.size(), invoices.size(), engagement, customer, f);
        return out;
    }

    /** Collects differences between expected values and one features answer. */
    private record Check(String customer, JsonNode answer, List<String> differences) {
        void exact(String path, long expected) {
            JsonNode v = at(path);
            if (v == null || !v.canConvertToLong() || v.asLong() != expected) {
                differences.add(customer + " " + path + ": expected " + expected + ", got " + v);
            }
        }

        void near(String path, double expected, double tolerance) {
            JsonNode v = at(path);
            if (v == null || !v.isNumber() || Math.abs(v.asDouble() - expected) > tolerance) {
                differences.add(customer + " " + path + ": expected " + expected + " (+-" + tolerance + "), got " + v);
            }
        }

        void between(String path, double low, double high) {
            JsonNode v = at(path);
            if (v == null || !v.isNumber() || v.asDouble() < low || v.asDouble() > high) {
                differences.add(customer + " " + path + ": expected between " + low + " and " + high + ", got " + v);
            }
        }

        void text(String path, String expected) {
            JsonNode v = at(path);
            if (v == null || !expected.equals(v.asText())) {
                differences.add(customer + " " + path + ": expected " + expected + ", got " + v);
            }
        }

        void isNull(String path) {
            JsonNode v = at(path);
            if (v != null && !v.isNull()) {
                differences.add(customer + " " + path + ": expected null, got " + v);
            }
        }

        private JsonNode at(String path) {
            JsonNode v = answer;
            for (String part : path.split("\\.")) {
                v = v == null ? null : v.get(part);
            }
            return v;
        }
    }

    /** Walks up from the working directory to the first folder holding shared/data; fails (never skips) without it. */
    static Path locateCsv() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(DATA))) {
                Path file = dir.resolve(DATA).resolve(CSV);
                if (!Files.isRegularFile(file)) {
                    fail("found " + dir.resolve(DATA) + " but not " + CSV + " in it: the Online Retail data set is missing");
                }
                return file;
            }
        }
        return fail("the Online Retail data set is missing: no shared/data (with " + CSV + ") in " + start
                + " or any folder above it; CI keeps shared/ beside the clone, so the file is ../shared/data/" + CSV
                + " from the project root");
    }

    /**
     * Every CSV row the loader turns into an event, with its raw fields: the same parsing and row numbers as
     * {@link OnlineRetailFormat#read}, so the event ids are the ones {@code ./streamrec load} sends.
     */
    static void readUsedRows(Path file, Predicate<CSVRecord> wanted, RowSink sink) throws IOException {
        OnlineRetailFormat format = new OnlineRetailFormat(false);
        CSVFormat csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16);
             CSVParser parser = CSVParser.builder().setReader(in).setFormat(csv).get()) {
            long n = 0;
            for (CSVRecord r : parser) {
                n++;
                if (r.isConsistent() && wanted.test(r)) {
                    Row row = format.map(n, r.toMap());
                    if (!row.isSkipped()) {
                        sink.accept(n, r, row.events().get(0));
                    }
                }
            }
        }
    }

    interface RowSink {
        void accept(long rowNumber, CSVRecord record, EventJson event);
    }

    /** The raw fields, read here and not by the loader: InvoiceDate is UK local time. */
    static Purchase purchase(long n, CSVRecord r, EventJson e) {
        String customer = customerId(r);
        long time = LocalDateTime.parse(r.get("InvoiceDate").strip().replace(' ', 'T')).atZone(UK).toInstant().toEpochMilli();
        Purchase p = new Purchase(n, customer, r.get("InvoiceNo").strip(), r.get("StockCode").strip(),
                r.get("Description").strip(), new BigDecimal(r.get("UnitPrice").strip()),
                new BigDecimal(r.get("Quantity").strip()).longValueExact(), time, e);
        if (!Objects.equals(customer, e.userId()) || time != e.timestamp() || !p.item().equals(e.itemId())) {
            throw new AssertionError("the loader reads row " + n + " differently: " + r + " -> " + e);
        }
        return p;
    }

    /** CustomerID as a number without decimals ({@code 17850.0} is 17850); null for a guest. */
    static String customerId(CSVRecord r) {
        String raw = r.get("CustomerID").strip();
        return raw.isEmpty() ? null : new BigDecimal(raw).stripTrailingZeros().toPlainString();
    }

    static LocalDate ukDay(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(UK).toLocalDate();
    }

    private static void postInBatches(String path, List<?> records) throws Exception {
        for (int from = 0; from < records.size(); from += BATCH) {
            List<?> batch = records.subList(from, Math.min(records.size(), from + BATCH));
            HttpResponse<String> r = gateway.post(path, JSON.writeValueAsString(batch));
            assertEquals(202, r.statusCode(), "POST " + path + ": " + r.body());
            assertEquals(batch.size(), JSON.readTree(r.body()).get("accepted").asInt(), r.body());
        }
    }

    private static HttpResponse<String> call(String path) {
        try {
            return gateway.get(path);
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("GET " + path, e);
        }
    }

    /** The JSON answer; anything but 200 throws IllegalStateException, which {@link Wait#until} takes for "not yet". */
    private static JsonNode json(String path) {
        HttpResponse<String> r = call(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " answered no JSON: " + r.body(), e);
        }
    }
}
