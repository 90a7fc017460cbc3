package io.streamrec.tools.load;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One catalog entry as {@code POST /items} takes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemJson(String itemId, String title, String category, Double price, String description, Boolean available) {
}
