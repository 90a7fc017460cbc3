package io.streamrec.tools.load;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnlineRetailFormatTest {

    static final String CSV = String.join("\n",
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
            "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
            "536366,22633,\"HAND WARMER, UNION JACK\",6,2011-06-01 12:00:00,1.85,,France",
            "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom",
            "536380,22139,RETROSPOT TEA SET,-3,2010-12-01 09:45:00,4.95,17809,United Kingdom",
            "536381,22140,,5,2010-12-01 09:46:00,0,,United Kingdom",
            "536382,,NO CODE,5,2010-12-01 09:47:00,1.00,12345,United Kingdom",
            "536383,POST,POSTAGE,3,2010-12-01 09:48:00,18.00,12583,France",
            "536384,22141,TOO FEW COLUMNS,2",
            "536385,22142,BAD DATE,2,01/12/2010 10:00,3.00,12346,United Kingdom",
            "536386,85123A,,2,2011-06-01 12:30:00,2.95,17850,United Kingdom",
            "536387,22143,BAD PRICE,2,2010-12-01 10:01:00,abc,12346,United Kingdom",
            "536388,22144,BAD QTY,two,2010-12-01 10:02:00,1.00,12346,United Kingdom",
            "");

    private static List<Row> readAll(String csv, long limit, Catalog catalog, boolean keepNonProducts) throws IOException {
        List<Row> rows = new ArrayList<>();
        new OnlineRetailFormat(keepNonProducts).read(new StringReader(csv), limit, catalog, rows::add);
        return rows;
    }

    @Test
    void mapsAUserPurchase() throws IOException {
        Row row = readAll(CSV, 0, null, false).get(0);
        assertFalse(row.isSkipped());
        assertEquals(1, row.number());
        EventJson e = row.events().get(0);
        assertEquals("or-536365-1", e.eventId());
        assertEquals("17850", e.userId());
        assertEquals("invoice-536365", e.sessionId());
        assertEquals("85123A", e.itemId());
        assertEquals("purchase", e.eventType());
        assertEquals(1291191960000L, e.timestamp()); // 2010-12-01 08:26:00 GMT
        assertEquals(2.55, e.price());
        assertEquals(6, e.quantity());
        assertEquals(Map.of("country", "United Kingdom", "invoiceNo", "536365"), e.properties());
        assertEquals("17850", e.key());
    }

    @Test
    void guestCheckoutIsKeptAnonymousWithQuotedCommaDescription() throws IOException {
        Row row = readAll(CSV, 0, null, false).get(1);
        assertFalse(row.isSkipped());
        EventJson e = row.events().get(0);
        assertEquals("or-536366-2", e.eventId());
        assertNull(e.userId());
        assertEquals("invoice-536366", e.sessionId());
        assertEquals("invoice-536366", e.key());
        assertEquals("22633", e.itemId());
        assertEquals(1306926000000L, e.timestamp()); // 2011-06-01 12:00:00 BST = 11:00 UTC
        assertEquals(1.85, e.price());
        assertEquals(Map.of("country", "France", "invoiceNo", "536366"), e.properties());
    }

    @Test
    void skipReasonsInOrder() throws IOException {
        List<Row> rows = readAll(CSV, 0, null, false);
        assertEquals(12, rows.size());
        List<String> reasons = rows.stream().map(Row::skipReason).toList();
        List<String> expected = new ArrayList<>();
        expected.add(null);
        expected.add(null);
        expected.add(OnlineRetailFormat.SKIP_CANCELLATION);
        expected.add(OnlineRetailFormat.SKIP_NON_POSITIVE_QUANTITY);
        expected.add(OnlineRetailFormat.SKIP_NON_POSITIVE_PRICE);
        expected.add(OnlineRetailFormat.SKIP_NO_STOCK_CODE);
        expected.add(OnlineRetailFormat.SKIP_NON_PRODUCT);
        expected.add(OnlineRetailFormat.SKIP_COLUMNS);
        expected.add(OnlineRetailFormat.SKIP_BAD_DATE);
        expected.add(null);
        expected.add(OnlineRetailFormat.SKIP_BAD_PRICE);
        expected.add(OnlineRetailFormat.SKIP_BAD_QUANTITY);
        assertEquals(expected, reasons);
        for (Row r : rows) {
            assertEquals(r.isSkipped() ? 0 : 1, r.events().size());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        rows.stream().filter(Row::isSkipped).forEach(r -> counts.merge(r.skipReason(), 1L, Long::sum));
        assertEquals(9, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1L));
    }

    @Test
    void nonProductsCanBeKept() throws IOException {
        Row row = readAll(CSV, 0, null, true).get(6);
        assertFalse(row.isSkipped());
        assertEquals("POST", row.events().get(0).itemId());
        assertEquals("or-536383-7", row.events().get(0).eventId());
    }

    @Test
    void limitCountsDataRows() throws IOException {
        List<Row> rows = readAll(CSV, 3, null, false);
        assertEquals(3, rows.size());
        assertEquals(3, rows.get(2).number());
    }

    @Test
    void catalogTakesFirstTitleAndMostRecentPrice() throws IOException {
        Catalog catalog = new Catalog();
        readAll(CSV, 0, catalog, false);
        List<ItemJson> items = catalog.items();
        assertEquals(List.of(
                new ItemJson("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", null, 2.95, null, true),
                new ItemJson("22633", "HAND WARMER, UNION JACK", null, 1.85, null, true)), items);
    }

    @Test
    void normalisesCustomerIds() {
        assertEquals("17850", OnlineRetailFormat.normalizeCustomerId("17850.0"));
        assertEquals("17850", OnlineRetailFormat.normalizeCustomerId(" 17850 "));
        assertEquals("17850", OnlineRetailFormat.normalizeCustomerId("17850.00"));
        assertEquals("17850.5", OnlineRetailFormat.normalizeCustomerId("17850.5"));
        assertNull(OnlineRetailFormat.normalizeCustomerId(""));
        assertNull(OnlineRetailFormat.normalizeCustomerId(null));
    }

    @Test
    void rejectsAFileWithoutTheHeader() {
        IOException e = assertThrows(IOException.class,
                () -> readAll("a,b,c\n1,2,3\n", 0, null, false));
        assertTrue(e.getMessage().contains("not an online-retail CSV"), e.getMessage());
    }
}
