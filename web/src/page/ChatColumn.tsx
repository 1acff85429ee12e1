// Where chat will live (next issue). The root class `no-chat` keeps it hidden for now; the ids
// match what Owncast themes and custom CSS target.
export function ChatColumn() {
  return (
    <div id="chat-container-wrap">
      <section id="chat-container" aria-label="Chat">
        <div id="messages-container" />
        <div id="message-input-container" />
      </section>
    </div>
  );
}
