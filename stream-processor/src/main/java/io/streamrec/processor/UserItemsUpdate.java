package io.streamrec.processor;

import io.streamrec.avro.UserItem;
import io.streamrec.avro.UserItems;

import java.util.ArrayList;
import java.util.List;

/**
 * The items each user interacted with over the long term (the history keeps only recent entries): per item its
 * events, purchases, summed event weight and first/last time. At most {@code user-items.max} items; when full, a new
 * item replaces the one with the fewest events (the least recent among equals). Event types of weight 0
 * (remove_from_cart) do not count.
 */
final class UserItemsUpdate {
    private UserItemsUpdate() {
    }

    static UserItems add(UserItems before, String itemId, boolean purchase, double weight, long t, int max) {
        List<UserItem> items = before == null ? new ArrayList<>() : new ArrayList<>(before.getItems());
        for (int i = 0; i < items.size(); i++) {
            UserItem u = items.get(i);
            if (u.getItemId().equals(itemId)) {
                items.set(i, new UserItem(itemId, u.getEvents() + 1, u.getPurchases() + (purchase ? 1 : 0),
                        u.getWeight() + weight, Math.min(u.getFirst(), t), Math.max(u.getLast(), t)));
                return new UserItems(items);
            }
        }
        UserItem added = new UserItem(itemId, 1L, purchase ? 1L : 0L, weight, t, t);
        if (items.size() < max) {
            items.add(added);
        } else {
            int evict = 0;
            for (int i = 1; i < items.size(); i++) {
                UserItem u = items.get(i);
                UserItem m = items.get(evict);
                if (u.getEvents() < m.getEvents() || (u.getEvents() == m.getEvents() && u.getLast() < m.getLast())) {
                    evict = i;
                }
            }
            items.set(evict, added);
        }
        return new UserItems(items);
    }
}
