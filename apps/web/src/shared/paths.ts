/** The SPA's routes, in one typed map: links never spell a path by hand. */
export const paths = {
  queue: '/',
  status: '/status',
} as const;

export type AppPath = (typeof paths)[keyof typeof paths];
