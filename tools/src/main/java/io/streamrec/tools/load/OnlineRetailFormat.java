package io.streamrec.tools.load;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The UCI "Online Retail" CSV ({@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country}):
 * every usable row becomes one {@code purchase} event.
 *
 * <ul>
 *   <li>eventId {@code or-<InvoiceNo>-<row>} with the 1-based data row number, so loading the file again is deduplicated;</li>
 *   <li>userId = CustomerID normalised ({@code 17850.0} becomes {@code 17850}); none for guest checkouts;</li>
 *   <li>sessionId {@code invoice-<InvoiceNo>} on every event (the invoice is the shopping session; for guests it is the key);</li>
 *   <li>timestamp = InvoiceDate read as Europe/London local time; price = UnitPrice; quantity = Quantity;</li>
 *   <li>properties {@code country}, {@code invoiceNo}.</li>
 * </ul>
 * Rows are skipped, each with a counted reason, in this order of checks: wrong column count, missing InvoiceNo,
 * cancellations (InvoiceNo starting with C), missing StockCode, unreadable or non-positive Quantity, unreadable or
 * zero/negative UnitPrice, unreadable InvoiceDate, and (unless kept) non-product lines such as postage, fees, manual
 * adjustments and gift vouchers, which are not things to recommend.
 */
public final class OnlineRetailFormat {
    public static final List<String> HEADER = List.of(
            "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country");
    public static final ZoneId ZONE = ZoneId.of("Europe/London");
    public static final String EVENT_TYPE = "purchase";

    public static final String SKIP_COLUMNS = "wrong number of columns";
    public static final String SKIP_NO_INVOICE = "missing InvoiceNo";
    public static final String SKIP_CANCELLATION = "cancellation (InvoiceNo starts with C)";
    public static final String SKIP_NO_STOCK_CODE = "missing StockCode";
    public static final String SKIP_BAD_QUANTITY = "unreadable Quantity";
    public static final String SKIP_NON_POSITIVE_QUANTITY = "non-positive Quantity";
    public static final String SKIP_BAD_PRICE = "unreadable UnitPrice";
    public static final String SKIP_NON_POSITIVE_PRICE = "zero or negative UnitPrice";
    public static final String SKIP_BAD_DATE = "unreadable InvoiceDate";
    public static final String SKIP_NON_PRODUCT = "non-product line (postage, fees, adjustments, vouchers)";

    /** Stock codes of lines that are not products (compared case-insensitively); gift vouchers start with {@code gift_}. */
    public static final Set<String> NON_PRODUCT_CODES = Set.of(
            "POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DATE_SHORT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final Pattern INTEGRAL_DECIMAL = Pattern.compile("(-?\\d+)\\.0*");

    private final boolean keepNonProducts;

    public OnlineRetailFormat(boolean keepNonProducts) {
        this.keepNonProducts = keepNonProducts;
    }

    /**
     * Reads the CSV (with its header line) and hands every data row, mapped, to {@code sink}; the catalog (may be
     * null) collects every item of a used row. Stops after {@code limit} data rows when {@code limit > 0}.
     */
    public void read(Reader in, long limit, Catalog catalog, Consumer<Row> sink) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(false)
                .get();
        try (CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
            List<String> header = parser.getHeaderNames();
            List<String> missing = new ArrayList<>();
            for (String h : HEADER) {
                if (!header.contains(h)) {
                    missing.add(h);
                }
            }
            if (!missing.isEmpty()) {
                throw new IOException("not an online-retail CSV: header " + header + " lacks " + missing
                        + " (expected " + String.join(",", HEADER) + ")");
            }
            long n = 0;
            for (CSVRecord r : parser) {
                n++;
                Map<String, String> fields = new LinkedHashMap<>();
                boolean complete = r.isConsistent();
                for (String h : HEADER) {
                    if (r.isSet(h)) {
                        fields.put(h, r.get(h));
                    } else {
                        complete = false;
                    }
                }
                Row row = complete ? map(n, fields) : Row.skipped(n, SKIP_COLUMNS);
                if (catalog != null && !row.isSkipped()) {
                    EventJson e = row.events().get(0);
                    catalog.add(e.itemId(), fields.get("Description"), e.price(), e.timestamp());
                }
                sink.accept(row);
                if (limit > 0 && n >= limit) {
                    break;
                }
            }
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new IOException("CSV could not be parsed: " + e.getMessage(), e);
        }
    }

    /** Maps one data row given by column name. */
    public Row map(long rowNumber, Map<String, String> f) {
        String invoice = strip(f.get("InvoiceNo"));
        if (invoice.isEmpty()) {
            return Row.skipped(rowNumber, SKIP_NO_INVOICE);
        }
        if (invoice.charAt(0) == 'C' || invoice.charAt(0) == 'c') {
            return Row.skipped(rowNumber, SKIP_CANCELLATION);
        }
        String stockCode = strip(f.get("StockCode"));
        if (stockCode.isEmpty()) {
            return Row.skipped(rowNumber, SKIP_NO_STOCK_CODE);
        }
        int quantity;
        try {
            quantity = parseQuantity(strip(f.get("Quantity")));
        } catch (NumberFormatException e) {
            return Row.skipped(rowNumber, SKIP_BAD_QUANTITY);
        }
        if (quantity <= 0) {
            return Row.skipped(rowNumber, SKIP_NON_POSITIVE_QUANTITY);
        }
        double price;
        try {
            price = Double.parseDouble(strip(f.get("UnitPrice")));
        } catch (NumberFormatException e) {
            return Row.skipped(rowNumber, SKIP_BAD_PRICE);
        }
        if (Double.isNaN(price) || Double.isInfinite(price)) {
            return Row.skipped(rowNumber, SKIP_BAD_PRICE);
        }
        if (price <= 0) {
            return Row.skipped(rowNumber, SKIP_NON_POSITIVE_PRICE);
        }
        long timestamp;
        try {
            timestamp = parseInvoiceDate(strip(f.get("InvoiceDate")));
        } catch (DateTimeParseException e) {
            return Row.skipped(rowNumber, SKIP_BAD_DATE);
        }
        if (!keepNonProducts && isNonProduct(stockCode)) {
            return Row.skipped(rowNumber, SKIP_NON_PRODUCT);
        }
        String userId = normalizeCustomerId(f.get("CustomerID"));
        Map<String, String> props = new LinkedHashMap<>();
        String country = strip(f.get("Country"));
        if (!country.isEmpty()) {
            props.put("country", country);
        }
        props.put("invoiceNo", invoice);
        EventJson e = new EventJson(
                "or-" + invoice + "-" + rowNumber,
                userId,
                "invoice-" + invoice,
                stockCode,
                EVENT_TYPE,
                timestamp,
                price,
                quantity,
                props);
        return new Row(rowNumber, List.of(e), null);
    }

    /** {@code 17850.0} and {@code 17850} give {@code 17850}; blank gives null; anything else is kept as written. */
    public static String normalizeCustomerId(String raw) {
        String s = strip(raw);
        if (s.isEmpty()) {
            return null;
        }
        var m = INTEGRAL_DECIMAL.matcher(s);
        return m.matches() ? m.group(1) : s;
    }

    /** Epoch milliseconds of a {@code YYYY-MM-DD HH:MM[:SS]} UK local time. */
    public static long parseInvoiceDate(String s) {
        LocalDateTime t = s.length() == 16 ? LocalDateTime.parse(s, DATE_SHORT) : LocalDateTime.parse(s, DATE);
        return t.atZone(ZONE).toInstant().toEpochMilli();
    }

    public static boolean isNonProduct(String stockCode) {
        String upper = stockCode.toUpperCase(Locale.ROOT);
        return NON_PRODUCT_CODES.contains(upper) || upper.startsWith("GIFT_");
    }

    private static int parseQuantity(String s) {
        var m = INTEGRAL_DECIMAL.matcher(s);
        return Integer.parseInt(m.matches() ? m.group(1) : s);
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
