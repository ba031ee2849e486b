/**
 * The mock's fixed world: a small catalog and past orders per account. Static on purpose, so the
 * suite can discover an item code and an order id from list answers and probe them; the two
 * accounts without signing hold two pages of orders each at the default per_page, so AUTH-15's
 * walk through every page has pages to walk.
 */
import crypto from 'node:crypto';
import type { AccountName } from './accounts';

type DeliveryType = 'PHYSICAL' | 'DIGITAL' | 'BOTH';

export interface Product {
  item_code: string;
  product_name: string;
  brand: string;
  value: number;
  price: number;
  currency: string;
  region: string;
  country_code: string[];
  delivery_type: DeliveryType;
  category: string;
}

export interface Order {
  order_id: number;
  order_no: string;
  status: 'completed' | 'pending' | 'failed';
  item_code: string;
  quantity: number;
  amount: number;
  created_at: string;
  codes: string[];
}

export const PRODUCTS: readonly Product[] = [
  {
    item_code: 'AMZ-US-25',
    product_name: 'Amazon.com Gift Card $25',
    brand: 'Amazon',
    value: 25,
    price: 25.5,
    currency: 'USD',
    region: 'North America',
    country_code: ['US'],
    delivery_type: 'DIGITAL',
    category: 'Shopping',
  },
  {
    item_code: 'AMZ-US-100',
    product_name: 'Amazon.com Gift Card $100',
    brand: 'Amazon',
    value: 100,
    price: 101.5,
    currency: 'USD',
    region: 'North America',
    country_code: ['US'],
    delivery_type: 'DIGITAL',
    category: 'Shopping',
  },
  {
    item_code: 'STEAM-EU-20',
    product_name: 'Steam Wallet EUR 20',
    brand: 'Steam',
    value: 20,
    price: 20.8,
    currency: 'EUR',
    region: 'Europe',
    country_code: ['DE', 'FR', 'ES', 'IT'],
    delivery_type: 'DIGITAL',
    category: 'Gaming',
  },
  {
    item_code: 'APPLE-US-50',
    product_name: 'Apple Gift Card $50',
    brand: 'Apple',
    value: 50,
    price: 50.75,
    currency: 'USD',
    region: 'North America',
    country_code: ['US'],
    delivery_type: 'BOTH',
    category: 'Entertainment',
  },
  {
    item_code: 'NETFLIX-GB-15',
    product_name: 'Netflix Gift Card GBP 15',
    brand: 'Netflix',
    value: 15,
    price: 15.6,
    currency: 'GBP',
    region: 'Europe',
    country_code: ['GB'],
    delivery_type: 'DIGITAL',
    category: 'Entertainment',
  },
  {
    item_code: 'VISA-CA-100',
    product_name: 'Visa Prepaid Card CAD 100',
    brand: 'Visa',
    value: 100,
    price: 105,
    currency: 'CAD',
    region: 'North America',
    country_code: ['CA'],
    delivery_type: 'PHYSICAL',
    category: 'Prepaid',
  },
];

/** Brand prefixes of gift card codes, as the hand-written orders spell them. */
const CODE_PREFIX: Readonly<Record<string, string>> = { Amazon: 'AMZN', Steam: 'STEAM', Apple: 'APPL', Netflix: 'NFLX', Visa: 'VISA' };

/** A code of the usual shape, the same on every run: derived from the order id, not drawn. */
function codeFor(product: Product, orderId: number, n: number): string {
  const digest = crypto.createHash('sha256').update(`${orderId}:${n}`).digest('hex').toUpperCase();
  return [CODE_PREFIX[product.brand] ?? 'CARD', digest.slice(0, 4), digest.slice(4, 8), digest.slice(8, 12)].join('-');
}

const HISTORY_STATUSES: readonly Order['status'][] = ['completed', 'completed', 'failed', 'completed', 'pending'];

/**
 * Older orders of an account, one a month through 2023 on `day`: with the two hand-written ones of
 * 2024 they make two pages at the default per_page of 10. Two accounts' histories interleave by
 * date, so a list that lost its account filter on a later page (a fault) mixes both.
 */
function history(firstId: number, count: number, day: number, productShift: number): Order[] {
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    const product = PRODUCTS[(i + productShift) % PRODUCTS.length]!;
    const quantity = 1 + (i % 2);
    const status = HISTORY_STATUSES[i % HISTORY_STATUSES.length]!;
    const date = `2023-${String(12 - i).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return {
      order_id: id,
      order_no: `ORD-${date.replace(/-/g, '')}-${id}`,
      status,
      item_code: product.item_code,
      quantity,
      amount: Math.round(product.price * quantity * 100) / 100,
      created_at: `${date}T1${i % 10}:2${i % 10}:00Z`,
      codes: status === 'completed' ? Array.from({ length: quantity }, (_, n) => codeFor(product, id, n)) : [],
    };
  });
}

/**
 * Every account starts with orders of its own, and ids differ across accounts, so that asking for
 * another account's order is a meaningful probe (AUTH-15).
 */
export const ORDERS: Readonly<Record<AccountName, readonly Order[]>> = {
  active: [
    {
      order_id: 1001,
      order_no: 'ORD-20240105-1001',
      status: 'completed',
      item_code: 'AMZ-US-25',
      quantity: 1,
      amount: 25.5,
      created_at: '2024-01-05T10:15:00Z',
      codes: ['AMZN-7Q2M-K8PL-X3VD'],
    },
    {
      order_id: 1002,
      order_no: 'ORD-20240212-1002',
      status: 'pending',
      item_code: 'STEAM-EU-20',
      quantity: 2,
      amount: 41.6,
      created_at: '2024-02-12T16:40:00Z',
      codes: [],
    },
    ...history(1101, 12, 3, 0),
  ],
  second: [
    {
      order_id: 4001,
      order_no: 'ORD-20240402-4001',
      status: 'completed',
      item_code: 'AMZ-US-100',
      quantity: 1,
      amount: 101.5,
      created_at: '2024-04-02T08:20:00Z',
      codes: ['AMZN-9D4K-R2TQ-5WXE'],
    },
    {
      order_id: 4002,
      order_no: 'ORD-20240419-4002',
      status: 'failed',
      item_code: 'VISA-CA-100',
      quantity: 1,
      amount: 105,
      created_at: '2024-04-19T14:05:00Z',
      codes: [],
    },
    ...history(4101, 10, 17, 3),
  ],
  inactive: [
    {
      order_id: 5001,
      order_no: 'ORD-20231120-5001',
      status: 'completed',
      item_code: 'NETFLIX-GB-15',
      quantity: 2,
      amount: 31.2,
      created_at: '2023-11-20T18:45:00Z',
      codes: ['NFLX-8QWE-T6YP-3LMB', 'NFLX-2ZXC-V9BN-7HJK'],
    },
  ],
  signing: [
    {
      order_id: 2001,
      order_no: 'ORD-20240301-2001',
      status: 'completed',
      item_code: 'APPLE-US-50',
      quantity: 1,
      amount: 50.75,
      created_at: '2024-03-01T09:00:00Z',
      codes: ['APPL-4HT9-WQ2Z-77KD'],
    },
  ],
  signing2: [
    {
      order_id: 3001,
      order_no: 'ORD-20240315-3001',
      status: 'completed',
      item_code: 'NETFLIX-GB-15',
      quantity: 1,
      amount: 15.6,
      created_at: '2024-03-15T12:30:00Z',
      codes: ['NFLX-P3RX-88MC-J2QA'],
    },
  ],
};

export const ORDER_STATUSES: readonly Order['status'][] = ['completed', 'pending', 'failed'];

/** Lists show only the last group of each code: codes are as good as cash. */
export function maskCode(code: string): string {
  const groups = code.split('-');
  return groups.map((group, i) => (i === 0 || i === groups.length - 1 ? group : '****')).join('-');
}
