/** The challenge endpoint of request signing: its path, method, response pointer and lifetime. */

export const CHALLENGE_METHODS = ['POST', 'GET', 'PUT'] as const;
