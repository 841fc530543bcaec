package io.opencardkit.core.store;

import io.opencardkit.core.engine.CardEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A store that passes every call to another; subclasses override what they add to (broadcasting
 * commits, say).
 */
public abstract class ForwardingCardStore implements CardStore {
  private final CardStore delegate;

  protected ForwardingCardStore(CardStore delegate) {
    this.delegate = delegate;
  }

  /** The store this one passes calls to. */
  public CardStore delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<Void> commit(WriteBatch batch) {
    return delegate.commit(batch);
  }

  @Override
  public Optional<LoadedCard> loadCard(String cardId) {
    return delegate.loadCard(cardId);
  }

  @Override
  public List<CardEvent> events(String cardId, long afterVersion, int limit) {
    return delegate.events(cardId, afterVersion, limit);
  }

  @Override
  public Map<String, Long> storedVersions(Collection<String> cardIds) {
    return delegate.storedVersions(cardIds);
  }

  @Override
  public Optional<MessageRecord> message(String messageId) {
    return delegate.message(messageId);
  }

  @Override
  public Optional<MessageRecord> messageByUuid(String senderId, String uuid) {
    return delegate.messageByUuid(senderId, uuid);
  }

  @Override
  public List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit) {
    return delegate.messagesOfChat(chatId, startMillis, endMillis, ascending, offset, limit);
  }

  @Override
  public CompletableFuture<Void> saveImage(StoredImage image) {
    return delegate.saveImage(image);
  }

  @Override
  public Optional<StoredImage> image(String imageKey) {
    return delegate.image(imageKey);
  }

  @Override
  public Optional<String> meta(String key) {
    return delegate.meta(key);
  }

  @Override
  public int compact(long olderThanMillis) {
    return delegate.compact(olderThanMillis);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
