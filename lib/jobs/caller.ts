/** Who is asking. Route handlers pass their RequestContext; Inngest functions act as the system. */
export type Caller = { user: { id: string } | null; isAdmin: boolean };

export const systemCaller: Caller = { user: null, isAdmin: true };
