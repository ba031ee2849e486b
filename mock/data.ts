/**
 * The mock's fixed world: a small catalog and a few past orders per account. Static on purpose,
 * so the suite can discover an item code and an order id from list answers and probe them.
 */
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
