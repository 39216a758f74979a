// The ChatCloud drop-in widget: an inbox of the visitor's P2P conversations, a conversation view
// (live messages, read receipts, typing, unread badges, older history on scroll) and a "contact
// support" view of their tickets, in a shadow root of its own. Built on the SDK's sources.
//
// <script src="https://chat.example.com/widget.js" data-api-key="pk_..." data-token-url="/chat-token"></script>
//
// The DOM is built with createElement and textContent only: no user text is ever parsed as HTML.
import { ChatCloud, ChatCloudError, RealtimeClient } from '../../js/src/index.js';
import styles from './widget.css';

const VERSION = '0.1.0';
const PAGE = 30;
const TYPING_SHOWN_MS = 4000;

const ICON_CHAT =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

/** `h('button', {class: 'x', onclick}, 'text', child)`: an element; null children are skipped. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function svgIcon(path) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

function time(iso) {
  try {
    return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  } catch {
    return '';
  }
}

/** How the widget names a person: their display name, else their username. */
function shownName(profile) {
  return profile.displayName ?? profile.username;
}

function badge(count, what) {
  if (!count) return null;
  return h('span', { class: 'badge', 'aria-label': `${count} unread ${what}` }, count > 99 ? '99+' : count);
}

/** Reads a token from the site's endpoint: plain text, or JSON `{token}`/`{chatToken}`/`{data: {chatToken}}`. */
async function tokenFromUrl(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json, text/plain' } });
  if (!response.ok) return null;
  const text = (await response.text()).trim();
  try {
    const json = JSON.parse(text);
    if (typeof json === 'string') return json;
    return json.chatToken ?? json.token ?? json.data?.chatToken ?? json.data?.token ?? null;
  } catch {
    return text || null;
  }
}

/** A random id for retry-safe sends (`crypto.randomUUID` exists only on HTTPS pages and localhost). */
function clientMessageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

let instanceCount = 0;

export class Widget {
  /**
   * @param {object} options
   * @param {string} options.apiKey the resource's public key
   * @param {string} [options.apiUrl] the server's origin (default: where widget.js came from)
   * @param {string} [options.token] the visitor's chat token
   * @param {string} [options.tokenUrl] an endpoint of the site answering the visitor's token
   * @param {(reason: string) => Promise<string|null>|string|null} [options.getToken] a callback answering it
   * @param {Element|string} [options.container] render inline in this element instead of floating
   * @param {string} [options.peer] open the conversation with this user id at start
   * @param {boolean} [options.open] start opened (floating mode)
   * @param {string} [options.title] the panel's title ("Messages")
   * @param {'right'|'left'} [options.position] the floating corner
   */
  constructor(options) {
    if (!options || !options.apiKey) throw new Error('ChatCloud widget: apiKey (data-api-key) is required');
    this.options = options;
    this.id = ++instanceCount;
    this.names = new Map();
    this.kinds = new Map();
    this.conversations = [];
    this.tickets = [];
    this.view = { name: 'chats' };
    this.me = null;
    this.opened = false;
    this.refreshQueued = false;
    this.mount();
    /** Settles once the widget is signed in and shows its first view. */
    this.ready = this.start();
    this.ready.catch((error) => this.fail(error));
    this.onVisible = () => this.markCurrentRead();
    document.addEventListener('visibilitychange', this.onVisible);
  }

  // -- set-up ----------------------------------------------------------------------------------

  mount() {
    const options = this.options;
    let container = options.container;
    if (typeof container === 'string') container = document.querySelector(container);
    this.inline = Boolean(container);
    this.host = document.createElement('chatcloud-widget');
    this.host.dataset.mode = this.inline ? 'inline' : 'floating';
    this.host.dataset.position = options.position === 'left' ? 'left' : 'right';
    this.root = this.host.attachShadow({ mode: 'open' });
    this.root.append(h('style', {}, styles));
    const panelId = `chatcloud-panel-${this.id}`;
    this.title = h('h2', { id: `${panelId}-title` }, options.title || 'Messages');
    this.backButton = h('button', { class: 'icon', type: 'button', 'aria-label': 'Back', hidden: true, onclick: () => this.back() }, '\u2190');
    this.closeButton = this.inline
      ? null
      : h('button', { class: 'icon', type: 'button', 'aria-label': 'Close chat', onclick: () => this.close() }, '\u00d7');
    const bodyId = `${panelId}-body`;
    const tab = (name) =>
      h('button', { class: 'tab', type: 'button', role: 'tab', id: `${panelId}-${name}`, 'aria-controls': bodyId, onclick: () => this.show({ name }) });
    this.chatsTab = tab('chats');
    this.supportTab = tab('support');
    this.tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Chat sections' }, this.chatsTab, this.supportTab);
    // Arrow keys move between the tabs (the tab pattern); only the selected one is in the tab order.
    this.tabs.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight' && event.key !== 'Home' && event.key !== 'End') return;
      event.preventDefault();
      const next = this.view.name === 'chats' ? 'support' : 'chats';
      const target = event.key === 'Home' ? 'chats' : event.key === 'End' ? 'support' : next;
      this.show({ name: target }).then(() => (target === 'chats' ? this.chatsTab : this.supportTab).focus());
    });
    this.body = h('div', { class: 'body', id: bodyId });
    this.status = h('div', { class: 'status', role: 'status', hidden: true });
    this.announcer = h('div', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'false' });
    this.panel = h(
      'section',
      { class: 'panel', id: panelId, role: this.inline ? 'region' : 'dialog', 'aria-labelledby': `${panelId}-title`, hidden: !this.inline },
      h('header', {}, this.backButton, this.title, this.closeButton),
      this.tabs,
      this.body,
      this.status,
      this.announcer,
    );
    if (!this.inline) {
      this.launcherBadge = h('span', { class: 'badge', hidden: true });
      this.launcher = h(
        'button',
        { class: 'launcher', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': panelId, onclick: () => this.toggle() },
        svgIcon(ICON_CHAT),
        this.launcherBadge,
      );
      this.root.append(this.panel, this.launcher);
      this.panel.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          this.close();
        }
      });
    } else {
      this.root.append(this.panel);
    }
    (container || document.body).append(this.host);
    this.renderTabs();
    this.body.append(h('p', { class: 'empty' }, 'Connecting\u2026'));
    if (this.inline || options.open) this.open();
  }

  async start() {
    const options = this.options;
    const getToken = async (reason) => {
      if (options.getToken) return (await options.getToken(reason)) ?? null;
      if (options.tokenUrl) return tokenFromUrl(options.tokenUrl);
      return null;
    };
    let token = options.token ?? null;
    if (!token && (options.getToken || options.tokenUrl)) token = await getToken('initial');
    if (!token) throw new Error('no chat token: give data-token, data-token-url or a getToken callback');
    this.api = new ChatCloud({ baseUrl: options.apiUrl, apiKey: options.apiKey, token, getToken });
    this.live = new RealtimeClient(this.api);
    const live = this.live;
    live.on('message', (message) => this.onMessage(message));
    live.on('read', (receipt) => this.onRead(receipt));
    live.on('message.updated', (message) => this.onChanged(message));
    live.on('message.deleted', (message) => this.onChanged(message));
    live.on('typing', (event) => this.onTyping(event));
    live.on('unread', () => this.renderBadges());
    live.on('state', (change) => this.onState(change));
    live.on('synced', () => this.queueRefresh());
    for (const type of ['conversation.created', 'conversation.updated', 'ticket.created', 'ticket.updated']) {
      live.on(type, (summary) => this.onSummary(summary));
    }
    live.on('user.updated', (user) => {
      this.names.set(user.id, shownName(user));
      if (this.view.name === 'chats') this.renderList();
    });
    this.me = await this.api.users.me();
    this.names.set(this.me.id, shownName(this.me));
    live.connect();
    await this.refresh();
    if (options.peer) await this.chatWith(options.peer);
    else this.show(this.view);
  }

  fail(error) {
    let message = error instanceof ChatCloudError ? `${error.message} (${error.code})` : String(error?.message ?? error);
    if (error instanceof ChatCloudError && error.code === 'network_error') {
      // A browser hides why a cross-origin request failed; the usual cause is the origin.
      message = `cannot reach the chat server. If it is up, check that the resource's allowedOrigins include ${location.origin}`;
    }
    console.warn('ChatCloud widget:', message, error);
    this.body.replaceChildren(h('p', { class: 'empty', role: 'alert' }, `Chat is unavailable: ${message}`));
  }

  // -- the public API --------------------------------------------------------------------------

  open() {
    this.opened = true;
    this.panel.hidden = false;
    this.launcher?.setAttribute('aria-expanded', 'true');
    this.renderBadges();
    this.markCurrentRead();
    queueMicrotask(() => this.focusView());
  }

  close() {
    if (this.inline) return;
    this.opened = false;
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.renderBadges();
    this.launcher.focus();
  }

  toggle() {
    if (this.opened) this.close();
    else this.open();
  }

  /** Opens (or finds) the conversation with another user of the site (their id, or
   * `ext:<the site's own id>`) and shows it. */
  async chatWith(userId) {
    if (this.me === null) await this.ready;
    const conversation = await this.api.p2p.open(userId);
    this.kinds.set(conversation.id, 'p2p');
    this.learnNames(conversation);
    if (!this.opened) this.open();
    await this.show({ name: 'conversation', kind: 'p2p', id: conversation.id, item: conversation });
  }

  /** Shows the support view (`'new'`: the new-ticket form). */
  async showSupport(form) {
    if (this.me === null) await this.ready;
    if (!this.opened) this.open();
    return this.show({ name: form === 'new' ? 'new-ticket' : 'support' });
  }

  destroy() {
    document.removeEventListener('visibilitychange', this.onVisible);
    this.live?.close();
    this.host.remove();
  }

  // -- data ------------------------------------------------------------------------------------

  async nameOf(userId) {
    if (!this.names.has(userId)) {
      this.names.set(
        userId,
        this.api.users.get(userId).then(
          (user) => shownName(user),
          () => 'Someone',
        ),
      );
    }
    return this.names.get(userId);
  }

  /** Keeps the names of a conversation's participants (its `participants` profiles). */
  learnNames(conversation) {
    for (const profile of conversation.participants ?? []) this.names.set(profile.id, shownName(profile));
  }

  peerOf(conversation) {
    return conversation.participantOne === this.me.id ? conversation.participantTwo : conversation.participantOne;
  }

  unreadOf(id, fallback) {
    return this.live.state === 'open' ? this.live.unreadCount(id) : fallback;
  }

  async refresh() {
    const [chats, tickets] = await Promise.all([this.api.p2p.list({ limit: 50 }), this.api.support.list({ limit: 50 })]);
    this.conversations = chats.data;
    this.tickets = tickets.data;
    for (const item of chats.data) {
      this.kinds.set(item.id, 'p2p');
      this.learnNames(item);
    }
    for (const item of tickets.data) this.kinds.set(item.id, 'support');
    await Promise.all(chats.data.map((item) => this.nameOf(this.peerOf(item))));
    this.renderBadges();
    if (this.view.name === 'chats' || this.view.name === 'support') this.renderList();
  }

  /** Refreshes the lists once for a burst of events. */
  queueRefresh() {
    if (this.refreshQueued || !this.me) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      this.refresh().catch(() => undefined);
    });
  }

  // -- views -----------------------------------------------------------------------------------

  async show(view) {
    const previous = this.view;
    if (previous.name === 'conversation' && (view.name !== 'conversation' || view.id !== previous.id)) {
      clearTimeout(previous.typingTimer);
    }
    this.view = view;
    const inList = view.name === 'chats' || view.name === 'support';
    this.tabs.hidden = !inList;
    this.backButton.hidden = inList;
    this.renderTabs();
    if (inList) {
      this.title.textContent = this.options.title || 'Messages';
      this.renderList();
    } else if (view.name === 'new-ticket') {
      this.title.textContent = 'Contact support';
      this.renderTicketForm();
    } else {
      try {
        await this.renderConversation(view);
      } catch (error) {
        // Shown where the conversation would be, not thrown at the host page.
        if (this.view === view) this.body.replaceChildren(h('p', { class: 'empty', role: 'alert' }, `Could not open this conversation: ${error.message}`));
        return;
      }
    }
    this.focusView();
  }

  back() {
    this.show({ name: this.view.kind === 'support' || this.view.name === 'new-ticket' ? 'support' : 'chats' });
  }

  focusView() {
    if (!this.opened) return;
    const target = this.body.querySelector('textarea, input, .item, .primary');
    if (target && !this.panel.contains(this.root.activeElement)) target.focus({ preventScroll: true });
  }

  renderTabs() {
    const chats = this.view.name === 'chats';
    const support = this.view.name === 'support';
    const total = (kind) => (this.live ? [...this.kinds].filter(([, k]) => k === kind).reduce((sum, [id]) => sum + this.live.unreadCount(id), 0) : 0);
    this.chatsTab.setAttribute('aria-selected', String(chats));
    this.supportTab.setAttribute('aria-selected', String(support));
    this.chatsTab.tabIndex = support ? -1 : 0;
    this.supportTab.tabIndex = support ? 0 : -1;
    if (chats || support) {
      this.body.setAttribute('role', 'tabpanel');
      this.body.setAttribute('aria-labelledby', (support ? this.supportTab : this.chatsTab).id);
    } else {
      this.body.removeAttribute('role');
      this.body.removeAttribute('aria-labelledby');
    }
    this.chatsTab.replaceChildren(...['Chats', badge(total('p2p'), 'messages in chats')].filter(Boolean));
    this.supportTab.replaceChildren(...['Support', badge(total('support'), 'messages from support')].filter(Boolean));
  }

  renderBadges() {
    this.renderTabs();
    if (this.launcherBadge) {
      const total = this.live ? this.live.unread.total : 0;
      this.launcherBadge.hidden = total === 0;
      this.launcherBadge.textContent = total > 99 ? '99+' : String(total);
      this.launcher.setAttribute('aria-label', `${this.opened ? 'Hide' : 'Open'} chat${total ? `, ${total} unread` : ''}`);
    }
    if (this.view.name === 'chats' || this.view.name === 'support') this.renderList();
  }

  renderList() {
    if (!this.me) return;
    const support = this.view.name === 'support';
    const scroll = h('div', { class: 'scroll' });
    if (support) {
      scroll.append(
        h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'button', onclick: () => this.show({ name: 'new-ticket' }) }, 'New ticket')),
      );
    }
    const items = support ? this.tickets : this.conversations;
    if (items.length === 0) {
      scroll.append(h('p', { class: 'empty' }, support ? 'No tickets yet. Ask us anything.' : 'No conversations yet.'));
    } else {
      const list = h('ul', { class: 'list', 'aria-label': support ? 'Your tickets' : 'Your conversations' });
      for (const item of items) list.append(h('li', {}, support ? this.ticketItem(item) : this.chatItem(item)));
      scroll.append(list);
    }
    const focused = this.root.activeElement?.dataset?.id;
    this.body.replaceChildren(scroll);
    if (focused) this.body.querySelector(`[data-id="${CSS.escape(focused)}"]`)?.focus();
  }

  chatItem(conversation) {
    const peer = this.peerOf(conversation);
    const name = this.names.get(peer);
    const title = typeof name === 'string' ? name : 'Conversation';
    const mineSide = conversation.participantOne === this.me.id ? conversation.unreadCountP1 : conversation.unreadCountP2;
    const unread = this.unreadOf(conversation.id, mineSide);
    const last = conversation.lastMessage;
    const preview = last ? `${last.senderId === this.me.id ? 'You: ' : ''}${last.deletedAt ? 'Message deleted' : last.content.text}` : 'No messages yet';
    const button = h(
      'button',
      { class: 'item', type: 'button', 'data-id': conversation.id, onclick: () => this.show({ name: 'conversation', kind: 'p2p', id: conversation.id, item: conversation }) },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, title.slice(0, 1)),
      h('span', { class: 'item-main' }, h('span', { class: 'item-title' }, title), h('span', { class: 'item-sub' }, preview)),
      badge(unread, 'messages'),
    );
    if (typeof name !== 'string') {
      Promise.resolve(name).then((resolved) => {
        button.querySelector('.item-title').textContent = resolved;
        button.querySelector('.avatar').textContent = resolved.slice(0, 1);
      });
    }
    return button;
  }

  ticketItem(ticket) {
    const last = ticket.lastMessage;
    return h(
      'button',
      { class: 'item', type: 'button', 'data-id': ticket.id, onclick: () => this.show({ name: 'conversation', kind: 'support', id: ticket.id, item: ticket }) },
      h(
        'span',
        { class: 'item-main' },
        h('span', { class: 'item-title' }, ticket.subject),
        h('span', { class: 'item-sub' }, h('span', { class: 'chip' }, ticket.status), ' ', last ? (last.deletedAt ? 'Message deleted' : last.content.text) : ''),
      ),
      badge(this.unreadOf(ticket.id, ticket.unreadCount), 'messages'),
    );
  }

  renderTicketForm() {
    const id = `chatcloud-${this.id}`;
    const subject = h('input', { id: `${id}-subject`, name: 'subject', required: true, maxlength: 200, autocomplete: 'off' });
    const message = h('textarea', { id: `${id}-message`, name: 'message', required: true, maxlength: 10000 });
    const error = h('p', { class: 'error', role: 'alert' });
    const submit = h('button', { class: 'primary', type: 'submit' }, 'Send');
    const form = h(
      'form',
      {
        class: 'form',
        'aria-label': 'New support ticket',
        onsubmit: async (event) => {
          event.preventDefault();
          if (!subject.value.trim() || !message.value.trim()) return;
          submit.disabled = true;
          try {
            const ticket = await this.api.support.open({ subject: subject.value.trim(), initialMessage: message.value });
            this.kinds.set(ticket.id, 'support');
            this.tickets = [ticket, ...this.tickets.filter((t) => t.id !== ticket.id)];
            await this.show({ name: 'conversation', kind: 'support', id: ticket.id, item: ticket });
          } catch (failure) {
            error.textContent = failure.message;
            submit.disabled = false;
          }
        },
      },
      h('label', { for: subject.id }, 'Subject'),
      subject,
      h('label', { for: message.id }, 'How can we help?'),
      message,
      error,
      submit,
    );
    this.body.replaceChildren(h('div', { class: 'scroll' }, form));
  }

  // -- the conversation view -------------------------------------------------------------------

  async renderConversation(view) {
    const routes = view.kind === 'p2p' ? this.api.p2p : this.api.support;
    const item = view.item ?? (await routes.get(view.id));
    view.item = item;
    let label;
    if (view.kind === 'p2p') {
      this.learnNames(item);
      view.peer = this.peerOf(item);
      label = await this.nameOf(view.peer);
      this.title.replaceChildren(label);
    } else {
      label = item.subject;
      this.title.replaceChildren(item.subject, ' ', h('span', { class: 'chip' }, item.status));
    }
    const id = `chatcloud-${this.id}`;
    view.elements = new Map();
    view.list = h('ol', { class: 'messages', 'aria-label': `Messages: ${label}` });
    view.older = h('button', { class: 'secondary', type: 'button', hidden: true, onclick: () => this.loadOlder(view) }, 'Load earlier messages');
    view.log = h('div', { class: 'scroll', tabindex: '0', 'aria-label': `Conversation: ${label}` }, view.older, view.list);
    view.log.addEventListener('scroll', () => {
      if (view.log.scrollTop < 40) this.loadOlder(view);
    });
    view.typing = h('div', { class: 'typing', 'aria-live': 'polite' });
    const input = h('textarea', { id: `${id}-input`, rows: '1', placeholder: 'Write a message\u2026', maxlength: 10000 });
    input.addEventListener('input', () => this.live.typing(view.id));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    const form = h(
      'form',
      {
        class: 'composer',
        onsubmit: (event) => {
          event.preventDefault();
          this.send(view, input);
        },
      },
      h('label', { class: 'sr', for: input.id }, 'Message'),
      input,
      h('button', { class: 'primary', type: 'submit' }, 'Send'),
    );
    if (view.kind === 'support' && item.status === 'closed') input.disabled = true;
    view.input = input;
    this.body.replaceChildren(view.log, view.typing, form);

    const page = await routes.history(view.id, { limit: PAGE });
    if (this.view !== view) return;
    view.hasMore = page.hasMore;
    view.older.hidden = !page.hasMore;
    for (const message of page.data) this.renderMessage(view, message);
    const lastSeq = page.data.length ? page.data[page.data.length - 1].seq : 0;
    this.live.track(view.id, view.kind, lastSeq);
    view.log.scrollTop = view.log.scrollHeight;
    this.markCurrentRead();
  }

  async loadOlder(view) {
    if (!view.hasMore || view.loading || this.view !== view) return;
    const first = view.list.firstElementChild;
    if (!first) return;
    view.loading = true;
    try {
      const routes = view.kind === 'p2p' ? this.api.p2p : this.api.support;
      const page = await routes.history(view.id, { before: first.dataset.messageId, limit: PAGE });
      const height = view.log.scrollHeight;
      const top = view.log.scrollTop;
      for (const message of page.data) this.renderMessage(view, message);
      view.log.scrollTop = top + (view.log.scrollHeight - height);
      view.hasMore = page.hasMore;
      view.older.hidden = !page.hasMore;
    } catch (error) {
      this.announce(`Could not load earlier messages: ${error.message}`);
    } finally {
      view.loading = false;
    }
  }

  /** Shows a message in its place by seq (or updates it, if already shown). */
  renderMessage(view, message) {
    const mine = message.senderId === this.me.id;
    const existing = view.elements.get(message.id);
    const deleted = Boolean(message.deletedAt);
    const text = deleted ? 'Message deleted' : message.content.text;
    let sender = null;
    if (!mine) {
      sender = h('span', { class: 'sender' });
      if (view.kind === 'support' && message.isStaff) sender.textContent = 'Support';
      else {
        const name = this.names.get(message.senderId);
        if (typeof name === 'string') sender.textContent = name;
        else this.nameOf(message.senderId).then((resolved) => (sender.textContent = resolved));
      }
      if (view.kind === 'p2p') sender.classList.add('sr');
    }
    const meta = h('span', { class: 'meta' }, time(message.createdAt), message.editedAt && !deleted ? ' \u00b7 edited' : '');
    // Read never goes back: a receipt may come before the send's own answer, or a stale copy.
    const read = Boolean(message.isRead) || message.seq <= (view.otherReadSeq ?? 0);
    if (mine) {
      const state = h('span', { class: 'receipt' }, read ? ' \u00b7 Read' : ' \u00b7 Sent');
      meta.append(state);
    }
    const element = h(
      'li',
      { class: `msg${mine ? ' mine' : ''}${deleted ? ' deleted' : ''}`, 'data-message-id': message.id, 'data-seq': message.seq },
      sender,
      h('span', { class: 'bubble' }, mine ? h('span', { class: 'sr' }, 'You: ') : null, text),
      meta,
    );
    element.dataset.read = String(read);
    if (existing) {
      existing.replaceWith(element);
    } else {
      let after = view.list.lastElementChild;
      while (after && Number(after.dataset.seq) > message.seq) after = after.previousElementSibling;
      if (after) after.after(element);
      else view.list.prepend(element);
    }
    view.elements.set(message.id, element);
    return element;
  }

  async send(view, input) {
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    const routes = view.kind === 'p2p' ? this.api.p2p : this.api.support;
    // Sending the same text again after a failure reuses its id: stored once if the first got through.
    const id = view.pending?.text === text ? view.pending.id : clientMessageId();
    view.pending = { text, id };
    try {
      const message = await routes.send(view.id, text, { clientMessageId: id });
      view.pending = null;
      if (this.view === view) {
        this.renderMessage(view, message);
        view.log.scrollTop = view.log.scrollHeight;
      }
    } catch (error) {
      input.value = text;
      this.announce(`Not sent: ${error.message}`);
    }
  }

  markCurrentRead() {
    const view = this.view;
    if (view.name !== 'conversation' || !this.opened || !this.api || document.visibilityState === 'hidden') return;
    if (!view.list || !view.list.lastElementChild) return;
    const routes = view.kind === 'p2p' ? this.api.p2p : this.api.support;
    const upToSeq = Number(view.list.lastElementChild.dataset.seq);
    if (this.live.unreadCount(view.id) === 0 && view.readThrough >= upToSeq) return;
    view.readThrough = upToSeq;
    routes.markAsRead(view.id, { upToSeq }).catch(() => undefined);
  }

  announce(text) {
    this.announcer.append(h('p', {}, text));
    while (this.announcer.childElementCount > 5) this.announcer.firstElementChild.remove();
  }

  // -- live events -----------------------------------------------------------------------------

  onMessage(message) {
    const view = this.view;
    if (!this.kinds.has(message.conversationId)) this.queueRefresh();
    if (view.name === 'conversation' && view.id === message.conversationId && view.elements) {
      const atBottom = view.log.scrollHeight - view.log.scrollTop - view.log.clientHeight < 60;
      const fresh = !view.elements.has(message.id);
      this.renderMessage(view, message);
      if (message.senderId !== this.me.id) {
        this.hideTyping(view);
        // Replying reads: the other side's watermark moved to its message.
        this.showRead(view.id, message.seq - 1);
        if (fresh) {
          const who = view.kind === 'support' && message.isStaff ? 'Support' : this.names.get(message.senderId);
          this.announce(`${typeof who === 'string' ? who : 'New message'}: ${message.content.text}`);
        }
        this.markCurrentRead();
      }
      if (atBottom || message.senderId === this.me.id) view.log.scrollTop = view.log.scrollHeight;
    }
    this.updateListItem(message);
  }

  /** An edit or a deletion: the message is shown anew where it is shown. */
  onChanged(message) {
    const view = this.view;
    if (view.name === 'conversation' && view.id === message.conversationId && view.elements?.has(message.id)) {
      this.renderMessage(view, message);
    }
    const list = this.kinds.get(message.conversationId) === 'support' ? this.tickets : this.conversations;
    const item = list.find((entry) => entry.id === message.conversationId);
    if (item && item.lastMessage?.id === message.id) {
      item.lastMessage = message;
      if (this.view.name === 'chats' || this.view.name === 'support') this.renderList();
    }
  }

  updateListItem(message) {
    const list = this.kinds.get(message.conversationId) === 'support' ? this.tickets : this.conversations;
    const index = list.findIndex((item) => item.id === message.conversationId);
    if (index >= 0) {
      const item = { ...list[index], lastMessage: message, lastMessageAt: message.createdAt, lastSeq: message.seq };
      list.splice(index, 1);
      list.unshift(item);
      if (this.view.name === 'chats' || this.view.name === 'support') this.renderList();
    }
  }

  onRead(receipt) {
    if (receipt.userId === this.me?.id) return;
    this.showRead(receipt.conversationId, receipt.lastReadSeq);
  }

  /** Marks one's own messages up to `seq` read (the other side read them, or replied after them). */
  showRead(conversationId, seq) {
    const view = this.view;
    if (view.name !== 'conversation' || view.id !== conversationId || !view.elements) return;
    view.otherReadSeq = Math.max(view.otherReadSeq ?? 0, seq);
    for (const element of view.list.querySelectorAll('.msg.mine')) {
      if (Number(element.dataset.seq) <= seq && element.dataset.read !== 'true') {
        element.dataset.read = 'true';
        const state = element.querySelector('.receipt');
        if (state) state.textContent = ' \u00b7 Read';
      }
    }
  }

  async onTyping(event) {
    const view = this.view;
    if (event.userId === this.me?.id) return;
    if (view.name !== 'conversation' || view.id !== event.conversationId || !view.typing) return;
    const who = view.kind === 'support' ? 'Support' : await this.nameOf(event.userId);
    if (this.view !== view) return;
    view.typing.textContent = `${who} is typing\u2026`;
    clearTimeout(view.typingTimer);
    view.typingTimer = setTimeout(() => this.hideTyping(view), TYPING_SHOWN_MS);
  }

  hideTyping(view) {
    clearTimeout(view.typingTimer);
    if (view.typing) view.typing.textContent = '';
  }

  onSummary(summary) {
    if (!this.kinds.has(summary.id) || this.view.name === 'chats' || this.view.name === 'support') this.queueRefresh();
    const view = this.view;
    if (view.name === 'conversation' && view.id === summary.id && view.kind === 'support' && view.item) {
      view.item = { ...view.item, status: summary.status };
      this.title.replaceChildren(view.item.subject, ' ', h('span', { class: 'chip' }, summary.status));
      if (view.input) view.input.disabled = summary.status === 'closed';
    }
  }

  onState({ state, reason }) {
    const texts = {
      reconnecting: 'Reconnecting\u2026',
      stopped: reason === 'closed' ? '' : 'Offline: reload the page to reconnect',
    };
    const text = texts[state] || '';
    this.status.hidden = !text;
    this.status.textContent = text;
    if (state === 'open') this.renderBadges();
  }
}

/** Options from a script tag's data attributes. */
function optionsFromScript(script) {
  const data = script.dataset;
  const callback = data.tokenCallback;
  return {
    apiKey: data.apiKey,
    apiUrl: data.apiUrl || new URL(script.src, document.baseURI).origin,
    token: data.token,
    tokenUrl: data.tokenUrl,
    getToken: callback ? (reason) => window[callback](reason) : undefined,
    container: data.container,
    peer: data.peer,
    open: data.open === 'true',
    title: data.title,
    position: data.position,
  };
}

const script = document.currentScript;
const defaultApiUrl = script && script.src ? new URL(script.src, document.baseURI).origin : location.origin;

const ChatCloudWidget = {
  version: VERSION,
  instances: [],
  /** Starts a widget; `apiUrl` defaults to the origin widget.js was loaded from. */
  init(options) {
    const widget = new Widget({ ...options, apiUrl: options.apiUrl || defaultApiUrl });
    ChatCloudWidget.instances.push(widget);
    return widget;
  },
};
window.ChatCloudWidget = ChatCloudWidget;

if (script && script.dataset.apiKey) {
  const options = optionsFromScript(script);
  const start = () => {
    const widget = ChatCloudWidget.init(options);
    script.dispatchEvent(new CustomEvent('chatcloud:ready', { detail: widget }));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
