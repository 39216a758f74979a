// The ChatCloud agent console, served at /console: a staff member signs in with the resource's
// API key and their chat token (kept in sessionStorage), works the ticket queue live (a page at a
// time), answers tickets (seeing the customer type), takes them or assigns them to a staff member
// picked from a list, sets their status and priority, and sees the admin stats. People are named
// by their display name, else their username, kept fresh by `user.updated`.
// Plain DOM, no framework; the API and the live updates go through the SDK (clients/js).
import { ChatCloud, ChatCloudError, RealtimeClient } from '../../js/src/index.js';
import styles from './console.css';

const STORAGE = 'chatcloud-console';
const STATUSES = ['open', 'pending', 'resolved', 'closed'];
const PRIORITIES = ['low', 'medium', 'high'];
const ELEVATED = ['staff', 'moderator', 'admin', 'superadmin'];
/** Tickets per page of the queue. */
const PAGE_SIZE = 20;
/** How long "is typing" stays without a further typing event (the SDK sends one every 3 s). */
const TYPING_SHOWN_MS = 4_000;
/** Live events come in bursts (a message also updates its ticket): one reload per burst. */
const RELOAD_DELAY_MS = 150;

/** An element with attributes (`on*` are listeners) and children. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A labelled select of `values`, the first option `any` (value '') unless null. */
function select(label, values, { any = null, value = '', name } = {}) {
  const options = any === null ? [] : [el('option', { value: '' }, any)];
  for (const option of values) {
    const [key, text] = Array.isArray(option) ? option : [option, option];
    options.push(el('option', { value: key, selected: key === value }, text));
  }
  const control = el('select', { name, 'aria-label': label }, options);
  return { control, label: el('label', {}, label, control) };
}

/** How the console names a person: their display name, else their username. */
function shownName(profile) {
  return profile.displayName ?? profile.username;
}

/** A staff member as the staff picker lists them. */
function staffLabel(user) {
  return `${shownName(user)} (${user.role})`;
}

function describe(error) {
  if (error instanceof ChatCloudError) return `${error.message} (${error.code})`;
  return String(error?.message ?? error);
}

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE) ?? 'null');
  } catch {
    return null;
  }
}

class Console {
  constructor(root) {
    this.root = root;
    this.filters = { status: '', priority: '', assigneeId: '', category: '' };
    this.page = 1;
    this.tickets = [];
    /** The resource's staff (elevated users), or null when this user may not list users. */
    this.staff = null;
    this.current = null;
    /** Shown names by user id (an id stands for a name being fetched). */
    this.names = new Map();
    this.reloadTimer = null;
  }

  start() {
    const credentials = saved();
    if (credentials) this.signIn(credentials);
    else this.showSignIn();
  }

  showSignIn(problem) {
    const apiKey = el('input', { name: 'apiKey', autocomplete: 'off', required: true, spellcheck: 'false' });
    const token = el('input', { name: 'token', type: 'password', autocomplete: 'off', required: true });
    const form = el('form', { class: 'signin', 'aria-labelledby': 'signin-title' },
      el('h1', { id: 'signin-title' }, 'ChatCloud agent console'),
      el('p', {}, 'Sign in with the resource\'s API key and your chat token (',
        el('code', {}, 'chatcloud token <resourceId> <userId>'), ' prints one).'),
      el('label', {}, 'API key', apiKey),
      el('label', {}, 'Chat token', token),
      problem ? el('p', { class: 'error', role: 'alert' }, problem) : null,
      el('button', { class: 'primary', type: 'submit' }, 'Sign in'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.signIn({ apiKey: apiKey.value.trim(), token: token.value.trim() });
    });
    this.root.replaceChildren(form);
    apiKey.focus();
  }

  async signIn({ apiKey, token }) {
    this.api = new ChatCloud({ baseUrl: location.origin, apiKey, token });
    try {
      this.me = await this.api.users.me();
    } catch (error) {
      sessionStorage.removeItem(STORAGE);
      return this.showSignIn(`Could not sign in: ${describe(error)}`);
    }
    if (this.me.role === 'user') {
      sessionStorage.removeItem(STORAGE);
      return this.showSignIn('This token is a customer\'s: the console is for staff, moderators and admins.');
    }
    sessionStorage.setItem(STORAGE, JSON.stringify({ apiKey, token }));
    this.names.set(this.me.id, shownName(this.me));
    this.live = new RealtimeClient(this.api);
    this.live.on('ticket.created', () => this.scheduleReload());
    this.live.on('ticket.updated', (ticket) => this.onTicketUpdated(ticket));
    this.live.on('message', (message) => this.onMessage(message));
    this.live.on('typing', (event) => this.onTyping(event));
    this.live.on('user.updated', (profile) => this.learnNames([profile]));
    this.live.on('state', ({ state, reason }) => {
      this.connection.textContent = state === 'open' ? 'Live' : `${state}${reason ? ` (${reason})` : ''}`;
      if (state === 'stopped' && /token/.test(reason ?? '')) this.signOut('Your chat token expired or was revoked: sign in again.');
    });
    this.live.on('synced', () => this.scheduleReload());
    await this.loadStaff();
    this.renderShell();
    this.live.connect();
    this.showQueue();
  }

  /**
   * The staff picker's choices: the resource's elevated users, listed by role (`GET /users`,
   * which admins and superadmins may call). Others keep a user id field to assign by.
   */
  async loadStaff() {
    try {
      const pages = await Promise.all(ELEVATED.map((role) => this.api.users.list({ role, limit: 100 })));
      this.staff = pages.flatMap((page) => page.data).sort((a, b) => shownName(a).localeCompare(shownName(b)));
      for (const user of this.staff) this.names.set(user.id, shownName(user));
    } catch {
      this.staff = null;
    }
  }

  /** [id, label] of each staff member, oneself first as "Me". */
  staffChoices() {
    const others = (this.staff ?? []).filter((user) => user.id !== this.me.id);
    return [[this.me.id, 'Me'], ...others.map((user) => [user.id, staffLabel(user)])];
  }

  signOut(problem) {
    this.live?.close();
    sessionStorage.removeItem(STORAGE);
    this.current = null;
    this.showSignIn(problem);
  }

  renderShell() {
    this.connection = el('span', { class: 'status', role: 'status' }, 'Connecting');
    this.queueTab = el('button', { type: 'button', onclick: () => this.showQueue() }, 'Queue');
    this.dashboardTab = el('button', { type: 'button', onclick: () => this.showDashboard() }, 'Dashboard');
    this.main = el('main', { id: 'main' });
    this.root.replaceChildren(
      el('header', {},
        el('h1', {}, 'ChatCloud console'),
        el('nav', { 'aria-label': 'Console' }, this.queueTab, this.dashboardTab),
        this.connection,
        el('span', {}, this.nameSpan(this.me.id), ` (${this.me.role})`),
        el('button', { type: 'button', onclick: () => this.signOut() }, 'Sign out')),
      this.main);
  }

  setTab(tab) {
    for (const button of [this.queueTab, this.dashboardTab]) {
      if (button === tab) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
  }

  // The queue.

  showQueue() {
    this.setTab(this.queueTab);
    const status = select('Status', STATUSES, { any: 'Any status', value: this.filters.status, name: 'status' });
    const priority = select('Priority', PRIORITIES, { any: 'Any priority', value: this.filters.priority, name: 'priority' });
    const assignee = select('Assignee', this.staffChoices(), { any: 'Anyone', value: this.filters.assigneeId, name: 'assigneeId' });
    const category = el('input', { name: 'category', value: this.filters.category, placeholder: 'any' });
    const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter tickets' },
      status.label, priority.label, assignee.label, el('label', {}, 'Category', category));
    const apply = () => {
      this.filters = { status: status.control.value, priority: priority.control.value, assigneeId: assignee.control.value, category: category.value.trim() };
      this.page = 1;
      this.reload();
    };
    form.addEventListener('change', apply);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      apply();
    });
    this.list = el('ul', { class: 'queue', 'aria-label': 'Tickets' });
    this.summary = el('p', { class: 'status', 'aria-live': 'polite' });
    this.previousPage = el('button', { type: 'button', onclick: () => this.goToPage(this.page - 1) }, 'Previous page');
    this.nextPage = el('button', { type: 'button', onclick: () => this.goToPage(this.page + 1) }, 'Next page');
    this.pageLabel = el('span', { class: 'status' });
    this.pager = el('nav', { class: 'pager', 'aria-label': 'Queue pages', hidden: true }, this.previousPage, this.pageLabel, this.nextPage);
    this.detail = el('section', { class: 'detail', 'aria-label': 'Ticket' }, el('p', {}, 'Choose a ticket in the queue.'));
    this.main.replaceChildren(form, el('div', { class: 'layout' }, el('div', {}, this.summary, this.list, this.pager), this.detail));
    this.reload();
    if (this.current) this.openTicket(this.current.id);
  }

  scheduleReload() {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reload(), RELOAD_DELAY_MS);
  }

  goToPage(number) {
    this.page = Math.max(1, number);
    this.reload();
  }

  async reload() {
    if (!this.list?.isConnected) return;
    const query = { page: this.page, limit: PAGE_SIZE };
    for (const [name, value] of Object.entries(this.filters)) if (value) query[name] = value;
    let page;
    let mine;
    try {
      [page, mine] = await Promise.all([this.api.support.list(query), this.api.users.unread()]);
    } catch (error) {
      this.summary.textContent = `Could not load the queue: ${describe(error)}`;
      return;
    }
    if (page.data.length === 0 && this.page > 1 && page.totalPages > 0) {
      // The page emptied (tickets left it): show the last one there is.
      this.page = page.totalPages;
      return this.reload();
    }
    this.tickets = page.data;
    this.learnNames(page.data.flatMap((ticket) => [ticket.customer, ticket.assignee]));
    const unread = page.data.reduce((sum, ticket) => sum + ticket.unreadCount, 0);
    this.summary.textContent = `${page.total} ticket${page.total === 1 ? '' : 's'}${unread ? `, ${unread} unread` : ''}`;
    // The tab counts every ticket's unread messages on the staff side, not only this page's.
    this.queueTab.textContent = mine.ticketsTotal ? `Queue (${mine.ticketsTotal} unread)` : 'Queue';
    this.pager.hidden = page.totalPages <= 1;
    this.pageLabel.textContent = `Page ${this.page} of ${Math.max(1, page.totalPages)}`;
    this.previousPage.disabled = this.page <= 1;
    this.nextPage.disabled = this.page >= page.totalPages;
    const focused = document.activeElement?.dataset?.ticketId;
    this.list.replaceChildren(...page.data.map((ticket) => this.renderItem(ticket)));
    if (focused) this.list.querySelector(`[data-ticket-id="${CSS.escape(focused)}"]`)?.focus();
  }

  renderItem(ticket) {
    const unread = ticket.unreadCount && ticket.id !== this.current?.id ? ticket.unreadCount : 0;
    const assignee = ticket.assigneeId ? (ticket.assigneeId === this.me.id ? 'me' : this.nameSpan(ticket.assigneeId)) : 'unassigned';
    const button = el('button', {
      type: 'button',
      class: 'ticket',
      'data-ticket-id': ticket.id,
      'data-status': ticket.status,
      'data-priority': ticket.priority,
      'aria-current': ticket.id === this.current?.id ? 'true' : null,
      onclick: () => this.openTicket(ticket.id),
    },
    el('span', { class: 'subject' }, ticket.subject),
    unread ? el('span', { class: 'badge', 'aria-label': `${unread} unread` }, unread) : el('span'),
    el('span', { class: 'meta' },
      el('span', { class: 'chip' }, ticket.status), el('span', { class: 'chip' }, ticket.priority),
      ticket.category ? el('span', { class: 'chip' }, ticket.category) : null,
      'assigned to ', assignee, ' · from ', this.nameSpan(ticket.createdBy)));
    return el('li', {}, button);
  }

  /** A user's name (their id until it is known), renamed in place when `learnNames` learns it. */
  nameSpan(userId) {
    return el('span', { 'data-user-id': userId }, this.names.get(userId) ?? userId);
  }

  /**
   * Keeps the names of these public profiles (tickets' `customer` and `assignee`, `GET /users?ids=`,
   * `user.updated`) and renames them wherever they are shown, the staff picker's options included.
   */
  learnNames(profiles) {
    for (const profile of profiles) {
      if (!profile) continue;
      const name = shownName(profile);
      this.names.set(profile.id, name);
      const member = this.staff?.find((user) => user.id === profile.id);
      if (member) Object.assign(member, { username: profile.username, displayName: profile.displayName });
      const id = CSS.escape(profile.id);
      for (const span of document.querySelectorAll(`span[data-user-id="${id}"]`)) span.textContent = name;
      if (profile.id === this.me.id) continue; // "Me" in the pickers
      for (const option of document.querySelectorAll(`option[value="${id}"]`)) option.textContent = member ? staffLabel(member) : name;
    }
  }

  /** Fetches the profiles of these users in one request (`GET /users?ids=`) and shows their names. */
  fetchNames(userIds) {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return;
    for (const id of ids) if (!this.names.has(id)) this.names.set(id, id);
    this.api.users.profiles(ids).then((profiles) => this.learnNames(profiles), () => undefined);
  }

  /** Someone not met yet in the open ticket (another agent answering or typing): fetch their name. */
  meet(userId) {
    if (!this.names.has(userId)) this.fetchNames([userId]);
  }

  onTicketUpdated(summary) {
    this.scheduleReload();
    if (this.current?.id === summary.id) this.refreshCurrent();
  }

  onMessage(message) {
    this.scheduleReload();
    if (this.current?.id !== message.conversationId) return;
    if (message.senderId === this.typingUser) this.hideTyping();
    this.meet(message.senderId);
    if (this.log.querySelector(`[data-message-id="${CSS.escape(message.id)}"]`)) return;
    this.log.append(this.renderMessage(message));
    this.log.scrollTop = this.log.scrollHeight;
    this.markRead(message.seq);
  }

  /** Someone else typing in the open ticket (the customer, or another agent). */
  onTyping({ conversationId, userId }) {
    if (this.current?.id !== conversationId || userId === this.me.id || !this.typing?.isConnected) return;
    this.typingUser = userId;
    this.meet(userId);
    const role = userId === this.current.createdBy ? ' (customer)' : '';
    this.typing.replaceChildren(this.nameSpan(userId), `${role} is typing\u2026`);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_SHOWN_MS);
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typingUser = null;
    if (this.typing) this.typing.textContent = '';
  }

  // One ticket.

  async openTicket(ticketId) {
    let ticket;
    try {
      ticket = await this.api.support.get(ticketId);
    } catch (error) {
      this.detail.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Could not open the ticket: ${describe(error)}`));
      return;
    }
    this.current = ticket;
    this.hideTyping();
    this.typing = el('p', { class: 'typing', 'aria-live': 'polite' });
    this.log = el('ol', { class: 'log', 'aria-label': 'Messages', 'aria-live': 'polite' });
    this.ticketHeader = el('div');
    this.header = null;
    this.renderTicketHeader();
    const text = el('textarea', { name: 'reply', rows: 3 });
    const form = el('form', { class: 'reply' }, el('label', {}, 'Reply', text), el('button', { class: 'primary', type: 'submit' }, 'Send reply'));
    const send = async () => {
      const body = text.value.trim();
      if (!body) return;
      text.disabled = true;
      try {
        const sent = await this.api.support.send(ticket.id, body);
        text.value = '';
        this.onMessage(sent);
      } catch (error) {
        this.flash(`Could not send: ${describe(error)}`);
      } finally {
        text.disabled = false;
        text.focus();
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send();
    });
    text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        send();
      }
    });
    text.addEventListener('input', () => this.live.typing(ticket.id));
    this.notice = el('p', { class: 'error', role: 'alert' });
    this.detail.replaceChildren(this.ticketHeader, this.notice, this.log, this.typing, form);
    for (const item of this.list.querySelectorAll('.ticket')) {
      if (item.dataset.ticketId === ticket.id) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
    const page = await this.api.support.history(ticket.id, { limit: 100 });
    if (this.current?.id !== ticket.id) return;
    // The ticket names its customer and assignee; other senders (staff who answered) are fetched
    // once per view, so that their names are current.
    const named = [this.me.id, ticket.createdBy, ticket.assigneeId];
    this.fetchNames(page.data.map((message) => message.senderId).filter((id) => !named.includes(id)));
    this.log.replaceChildren(...page.data.map((message) => this.renderMessage(message)));
    const lastSeq = page.data.length ? page.data[page.data.length - 1].seq : 0;
    this.live.track(ticket.id, 'support', lastSeq);
    this.log.scrollTop = this.log.scrollHeight;
    this.markRead(lastSeq);
    text.focus();
  }

  async refreshCurrent() {
    const id = this.current.id;
    try {
      const ticket = await this.api.support.get(id);
      if (this.current?.id !== id) return;
      this.current = ticket;
      this.renderTicketHeader();
    } catch {
      // The queue's reload reports trouble.
    }
  }

  /** The ticket's header and controls: built once per ticket, then updated in place (keeping focus). */
  renderTicketHeader() {
    const ticket = this.current;
    this.learnNames([ticket.customer, ticket.assignee]);
    if (this.header?.id !== ticket.id) this.buildTicketHeader(ticket);
    const { status, priority, assignee, take, info } = this.header;
    status.value = ticket.status;
    priority.value = ticket.priority;
    if (document.activeElement !== assignee) {
      const value = ticket.assigneeId ?? '';
      if (assignee.tagName === 'SELECT' && value && ![...assignee.options].some((option) => option.value === value)) {
        // Assigned to someone not in the list (made staff since): show them anyway.
        assignee.append(el('option', { value }, this.names.get(value) ?? value));
      }
      assignee.value = value;
    }
    const mine = ticket.assigneeId === this.me.id;
    take.disabled = mine;
    take.textContent = mine ? 'Assigned to you' : 'Take';
    info.replaceChildren('From ', this.nameSpan(ticket.createdBy), ticket.category ? ` · ${ticket.category}` : '',
      ' · assigned to ', ticket.assigneeId ? this.nameSpan(ticket.assigneeId) : 'nobody');
  }

  buildTicketHeader(ticket) {
    const status = select('Status', STATUSES, { name: 'status' });
    const priority = select('Priority', PRIORITIES, { name: 'priority' });
    status.control.addEventListener('change', () => this.update({ status: status.control.value }));
    priority.control.addEventListener('change', () => this.update({ priority: priority.control.value }));
    // Admins pick from the resource's staff; others, who may not list users, give a user id.
    const assignee = this.staff
      ? select('Assign to', this.staffChoices(), { any: 'Nobody', name: 'assignee' }).control
      : el('input', { name: 'assignee', placeholder: 'staff user id' });
    const assign = el('form', { class: 'controls', 'aria-label': 'Assign' },
      el('label', {}, this.staff ? 'Assign to' : 'Assign to (user id)', assignee), el('button', { type: 'submit' }, 'Assign'));
    assign.addEventListener('submit', (event) => {
      event.preventDefault();
      this.update({ assigneeId: assignee.value.trim() || null });
    });
    const take = el('button', { type: 'button', onclick: () => this.update({ assigneeId: this.me.id }) }, 'Take');
    const info = el('p', { class: 'meta' });
    this.header = { id: ticket.id, status: status.control, priority: priority.control, assignee, take, info };
    this.ticketHeader.replaceChildren(
      el('h2', {}, ticket.subject), info,
      el('div', { class: 'controls' }, status.label, priority.label, take, assign));
  }

  async update(change) {
    try {
      this.current = await this.api.support.update(this.current.id, change);
      this.renderTicketHeader();
      this.flash('');
      this.scheduleReload();
    } catch (error) {
      this.flash(`Could not update the ticket: ${describe(error)}`);
      this.renderTicketHeader();
    }
  }

  flash(text) {
    if (this.notice) this.notice.textContent = text;
  }

  renderMessage(message) {
    const staff = message.isStaff === true;
    const who = el('span', { class: 'who' }, staff && message.senderId === this.me.id ? 'You' : this.nameSpan(message.senderId), ' · ', new Date(message.createdAt).toLocaleTimeString());
    return el('li', { class: `msg${staff ? ' staff' : ''}`, 'data-message-id': message.id }, who,
      message.deletedAt ? el('em', {}, 'Message deleted') : message.content.text);
  }

  markRead(upToSeq) {
    if (!upToSeq || !this.current) return;
    this.api.support.markAsRead(this.current.id, { upToSeq }).then(() => this.scheduleReload(), () => undefined);
  }

  // The dashboard.

  async showDashboard() {
    this.setTab(this.dashboardTab);
    const body = el('div', {}, el('p', {}, 'Loading the stats…'));
    const refresh = el('button', { type: 'button', onclick: () => this.showDashboard() }, 'Refresh');
    this.main.replaceChildren(el('h2', {}, 'Dashboard'), refresh, body);
    try {
      const stats = await this.api.admin.stats();
      const labels = Object.entries(stats).filter(([, value]) => typeof value === 'number');
      body.replaceChildren(el('dl', { class: 'stats' }, labels.map(([name, value]) =>
        el('div', { class: 'stat' }, el('dt', {}, name.replace(/([A-Z])/g, ' $1').toLowerCase()), el('dd', {}, value.toLocaleString())))));
    } catch (error) {
      body.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Could not load the stats: ${describe(error)}`));
    }
  }
}

function boot() {
  document.head.append(el('style', {}, styles));
  new Console(document.getElementById('app')).start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
