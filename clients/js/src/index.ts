export { ChatCloud, MessageRoutes, P2pRoutes, SupportRoutes, UserRoutes, AdminRoutes, ResourceRoutes } from './client.js';
export type { ChatCloudOptions, SendOptions } from './client.js';
export { ChatCloudError, parseRetryAfter } from './errors.js';
export type { ErrorCode } from './errors.js';
export { Transport } from './http.js';
export type { TokenProvider, TokenRequestReason, TransportOptions } from './http.js';
export { RealtimeClient } from './realtime.js';
export type * from './realtime.js';
export type * from './types.js';
