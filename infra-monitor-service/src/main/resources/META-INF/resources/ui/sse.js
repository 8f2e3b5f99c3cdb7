/**
 * Server-sent events as the HTML standard parses them ("Parsing an event stream"), for streams read with fetch
 * (EventSource cannot send the API key): lines end in CRLF, LF or CR; a blank line dispatches; "data" lines join
 * with LF; one space after the colon is dropped, no more; "event" names the type; "id" (without NUL) is remembered
 * as the last event id, to be sent back as Last-Event-ID when reconnecting; "retry" sets the reconnection delay;
 * lines starting with a colon are comments; a leading byte order mark is skipped.
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.data = [];
    this.type = '';
    this.lastEventId = '';
    this.retry = null;
    this.first = true;
    this.pendingCr = false;
  }

  /** Feeds decoded text; dispatches every event it completes. */
  push(text) {
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    // a CR at the end of the last chunk may be the first half of a CRLF
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id') { if (!value.includes('\0')) this.lastEventId = value; }
    else if (field === 'retry') { if (/^\d+$/.test(value)) this.retry = Number(value); }
  }

  dispatch() {
    if (this.data.length === 0) {
      this.type = '';
      return;
    }
    const event = { type: this.type || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId };
    this.data = [];
    this.type = '';
    this.onEvent(event);
  }
}
