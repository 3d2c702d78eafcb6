"""The public directory of social services by place of residence, published also as HSDS 3.0."""
